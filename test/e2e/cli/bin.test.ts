import { accessSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runProcess } from '../../helpers/cli.js';
import { PROJECT_ROOT } from '../../helpers/fixtures.js';

// The package's bin runs by itself (npx, npm link, a global install): the build leaves it
// executable with a node shebang, whatever npm did or did not chmod when it linked it.

describe('the built bin', () => {
  it('is executable and runs without naming node', async () => {
    const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    const bin = join(PROJECT_ROOT, pkg.bin['tuf-ceremony'] ?? '');
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(() => {
      accessSync(bin, constants.X_OK);
    }).not.toThrow();
    const result = await runProcess(bin, ['--version']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^tuf-ceremony \d+\.\d+\.\d+/);
  });
});
