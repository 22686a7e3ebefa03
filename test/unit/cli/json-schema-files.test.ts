import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allCommands } from '../../../src/cli/run.js';
import { PROJECT_ROOT } from '../../helpers/fixtures.js';

// Every command that takes --json documents its output in docs/schemas/<words>.schema.json, and
// every schema there belongs to such a command (or is shared: error, sigstore-edit).

const SCHEMAS = join(PROJECT_ROOT, 'docs', 'schemas');
const SHARED = ['error', 'sigstore-edit'];

describe('docs/schemas', () => {
  it('holds one schema per command with --json, and no other', async () => {
    const jsonCommands = (await allCommands())
      .filter((c) => 'json' in c.options)
      .map((c) => c.name.replaceAll(' ', '-'));
    for (const name of jsonCommands) {
      expect(existsSync(join(SCHEMAS, `${name}.schema.json`)), name).toBe(true);
    }
    const files = readdirSync(SCHEMAS).map((f) => f.replace(/\.schema\.json$/, ''));
    expect(files.filter((f) => !jsonCommands.includes(f) && !SHARED.includes(f))).toEqual([]);
  });
});
