import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { treeDigest } from '../helpers/ceremony.js';
import { runTool } from '../helpers/cli.js';
import { PROJECT_ROOT } from '../helpers/fixtures.js';
import { readWithTufJs } from '../helpers/tuf-js-client.js';

// The project's own repository/ and ceremony-logs/ are the output of the example ceremony in
// deterministic mode; regenerating them must give the same bytes (scripts/regenerate-example.sh).

describe('the example ceremony', () => {
  it('regenerates the committed repository/ and ceremony-logs/ byte for byte', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'tuf-ceremony-example-')), 'example');
    const result = await runTool(['demo', '--deterministic', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `verify --root ${join(out, 'repository', '1.root.json')} --at 2026-01-01T00:00:00Z`,
    );
    for (const part of ['repository', 'ceremony-logs']) {
      const committed = await treeDigest(join(PROJECT_ROOT, part));
      expect(Object.keys(committed).length).toBeGreaterThan(1);
      expect(await treeDigest(join(out, part))).toEqual(committed);
    }
    const verified = await runTool([
      'verify',
      '--root',
      join(PROJECT_ROOT, 'repository', '1.root.json'),
      '--at',
      '2026-01-01T12:00:00Z',
      join(PROJECT_ROOT, 'repository'),
    ]);
    expect(verified.code, verified.stderr).toBe(0);
    const log = await runTool(['log', 'verify', join(PROJECT_ROOT, 'ceremony-logs')]);
    expect(log.code, log.stderr + log.stdout).toBe(0);
  });

  it('runs with a random key set and a real clock, and its output is read by tuf-js', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'tuf-ceremony-demo-')), 'demo');
    const result = await runTool(['demo', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    await readWithTufJs(join(out, 'repository'));
  });
});
