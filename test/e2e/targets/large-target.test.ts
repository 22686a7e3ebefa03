import { spawn } from 'node:child_process';
import { readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CeremonyFixture } from '../../helpers/ceremony.js';
import { CLI } from '../../helpers/cli.js';

// Issue 11: target files are hashed and copied as streams. A 2.5 GiB (sparse) target is added
// and staged with a peak RSS under 200 MB; before, both read the whole file (and 2 GiB or more
// failed with exit 70).

const SIZE = 2.5 * 1024 ** 3;

/** Runs the CLI under python's getrusage and returns its exit code and peak RSS in MB. */
function peakRss(
  args: readonly string[],
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number; rssMb: number; output: string }> {
  const wrapper = [
    'import resource, subprocess, sys',
    'code = subprocess.run(sys.argv[1:]).returncode',
    'print("peak-rss-kb", resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)',
    'sys.exit(code)',
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', wrapper, process.execPath, CLI, ...args], {
      cwd,
      env: { ...process.env, ...env },
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const kb = Number(/peak-rss-kb (\d+)/.exec(output)?.[1] ?? NaN);
      resolve({ code: code ?? -1, rssMb: kb / 1024, output });
    });
  });
}

describe('large targets', () => {
  it('adds and stages a 2.5 GiB target with a peak RSS under 200 MB', async () => {
    const ceremony = await CeremonyFixture.create(['alice'], 1);
    for (const holder of ['alice', 'online']) await ceremony.addKey(holder);
    const big = join(ceremony.dir, '..', 'big.bin');
    try {
      await writeFile(big, 'a few bytes of data, then a hole');
      await truncate(big, SIZE);
      const added = await peakRss(['targets', 'add', big], ceremony.dir, ceremony.env);
      expect(added.code, added.output).toBe(0);
      expect(added.output).toMatch(`target big.bin: ${SIZE} bytes`);
      expect(added.rssMb).toBeLessThan(200);
      // The copy stays sparse: far fewer blocks on disk than bytes in the file.
      const copy = await stat(join(ceremony.dir, 'targets', 'big.bin'));
      expect(copy.size).toBe(SIZE);
      expect(copy.blocks * 512).toBeLessThan(64 * 1024 ** 2);

      const staged = await peakRss(['stage'], ceremony.dir, ceremony.env);
      expect(staged.code, staged.output).toBe(0);
      expect(staged.rssMb).toBeLessThan(200);
      const draft = JSON.parse(
        await readFile(join(ceremony.dir, 'staged', 'targets.json'), 'utf8'),
      ) as { signed: { targets: Record<string, { length: number }> } };
      expect(draft.signed.targets['big.bin']?.length).toBe(SIZE);
    } finally {
      await rm(big, { force: true });
      await rm(join(ceremony.dir, 'targets', 'big.bin'), { force: true });
    }
  }, 300_000);
});
