import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CeremonyFixture } from '../../helpers/ceremony.js';
import { CLI, runProcess } from '../../helpers/cli.js';
import { PROJECT_ROOT } from '../../helpers/fixtures.js';

// Output into a pipe whose reader has gone (`| head -1`): the command ends quietly (no EPIPE
// stack trace) and its work is either all done or not started, never half a batch.

const FILES = 5000;

/** Runs `node CLI ARGS... | head -1` in bash; the CLI's exit status, stderr and head's output. */
async function throughHead(
  args: readonly string[],
  cwd: string,
): Promise<{ code: number | null; first: string; stderr: string }> {
  const script =
    'node "$0" "$@" 2>"$ERR_FILE" | head -1; status=${PIPESTATUS[0]}; cat "$ERR_FILE" >&2; exit $status';
  const result = await runProcess('bash', ['-c', script, CLI, ...args], {
    cwd,
    env: { ERR_FILE: join(await mkdtemp(join(tmpdir(), 'tuf-ceremony-pipe-')), 'stderr.txt') },
  });
  return { code: result.code, first: result.stdout, stderr: result.stderr };
}

describe('output into a closed pipe', () => {
  it(
    `targets add <${FILES} files> | head -1 adds every target, without a stack trace`,
    { timeout: 180_000 },
    async () => {
      const ceremony = await CeremonyFixture.create(['alice'], 1);
      const inputs = join(ceremony.dir, '..', 'inputs');
      await mkdir(inputs);
      const names = Array.from({ length: FILES }, (_, i) => `t${String(i).padStart(4, '0')}.txt`);
      await Promise.all(names.map((n) => writeFile(join(inputs, n), `${n}\n`)));
      const result = await throughHead(
        ['targets', 'add', ...names.map((n) => join('..', 'inputs', n))],
        ceremony.dir,
      );
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.first).toBe('target t0000.txt: 10 bytes, role targets\n');
      expect((await readdir(join(ceremony.dir, 'targets'))).sort()).toEqual(names);
    },
  );

  it('verify ... | head -1 prints the first line and ends quietly', async () => {
    const repo = join(PROJECT_ROOT, 'repository');
    const result = await throughHead(
      ['verify', '--root', join(repo, '1.root.json'), '--at', '2026-01-01T00:00:00Z', repo],
      join(PROJECT_ROOT, 'test'),
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.first).toMatch(/: trusted at 2026-01-01T00:00:00Z\n$/);
  });
});
