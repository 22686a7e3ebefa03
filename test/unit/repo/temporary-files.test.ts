import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../src/repo/atomic-write.js';
import { listInputPaths } from '../../../src/repo/target-inputs.js';
import { keepSweepRecordsIn, removeTemporaryFiles } from '../../../src/repo/leftover-sweep.js';
import { isTemporaryName, temporaryPath } from '../../../src/repo/temporary-files.js';

describe('temporary files', () => {
  it('are named so that no scan takes them for an input', () => {
    const name = temporaryPath('/d', '/d/root.json').slice(3);
    expect(isTemporaryName(name)).toBe(true);
    expect(name.startsWith('.root.json.')).toBe(true);
    expect(name.endsWith('.json')).toBe(false);
    expect(isTemporaryName('.f2.bin.0123456789ab.tmp')).toBe(true);
    for (const name of ['f2.bin', '.gitkeep', 'root.json', '.x.tuf-ceremony-tmp', 'a.tmp'])
      expect(isTemporaryName(name)).toBe(false);
  });

  it('are skipped by the target input scan and removed, except a running writer’s', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tuf-ceremony-tmp-'));
    await writeFileAtomic(join(dir, 'targets', 'a.txt'), 'a');
    await writeFile(join(dir, 'targets', '.f2.bin.0123456789ab.tmp'), 'torn');
    const mine = temporaryPath(join(dir, 'targets'), 'b.txt');
    await writeFile(mine, 'killed run of this very process id');
    const running = join(dir, 'targets', `.c.txt.${process.ppid}-0123456789ab.tuf-ceremony-tmp`);
    await writeFile(running, 'a writer that is still running');
    await mkdir(join(dir, '.git', 'objects'), { recursive: true });
    await writeFile(join(dir, '.git', 'objects', '.x.0123456789ab.tmp'), 'git');
    expect(await listInputPaths(join(dir, 'targets'))).toEqual(['a.txt']);
    const removed = await removeTemporaryFiles(dir);
    expect(removed.sort()).toEqual([join(dir, 'targets', '.f2.bin.0123456789ab.tmp'), mine].sort());
    expect((await readdir(join(dir, 'targets'))).sort()).toEqual(
      ['a.txt', running.slice(running.lastIndexOf('/') + 1)].sort(),
    );
  });

  it('skip a folder unchanged since a sweep found it clean, and read it again once changed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tuf-ceremony-tmp-'));
    const records = await mkdtemp(join(tmpdir(), 'tuf-ceremony-sweeps-'));
    const leftover = (folder: string) => join(dir, folder, '.x.json.0123456789ab.tmp');
    const cleanFolders = async () => {
      const [name] = await readdir(records);
      const record = JSON.parse(await readFile(join(records, name ?? ''), 'utf8')) as {
        folders: Record<string, unknown>;
      };
      return Object.keys(record.folders).sort();
    };
    try {
      await mkdir(join(dir, 'repository', 'targets'), { recursive: true });
      await mkdir(join(dir, 'staged'), { recursive: true });
      keepSweepRecordsIn(records, 300);
      // Changed moments ago: read, not recorded.
      expect(await removeTemporaryFiles(dir)).toEqual([]);
      expect(await readdir(records)).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 350));
      expect(await removeTemporaryFiles(dir)).toEqual([]);
      const all = [dir, 'repository', 'repository/targets', 'staged'].map((f) =>
        f === dir ? dir : join(dir, f),
      );
      expect(await cleanFolders()).toEqual(all.sort());
      // A leftover in a recorded folder moves its times: the next sweep reads and cleans it, and
      // the folder, just changed, is no longer recorded.
      await writeFile(leftover('repository/targets'), 'killed');
      expect(await removeTemporaryFiles(dir)).toEqual([leftover('repository/targets')]);
      expect(await cleanFolders()).not.toContain(join(dir, 'repository', 'targets'));
      // Times set back to the recorded ones cannot hide a leftover: the change time moved.
      const record = JSON.parse(
        await readFile(join(records, (await readdir(records))[0] ?? ''), 'utf8'),
      ) as {
        folders: Record<string, [number, number, number, string[]]>;
      };
      const stagedAt = (record.folders[join(dir, 'staged')]?.[1] ?? 0) / 1000;
      await writeFile(leftover('staged'), 'hidden?');
      await utimes(join(dir, 'staged'), stagedAt, stagedAt);
      expect(await removeTemporaryFiles(dir)).toEqual([leftover('staged')]);
      // A running writer's file is kept, and its folder is not recorded clean.
      const running = join(
        dir,
        'repository',
        `.y.json.${process.ppid}-0123456789ab.tuf-ceremony-tmp`,
      );
      await writeFile(running, 'still writing');
      await new Promise((resolve) => setTimeout(resolve, 350));
      expect(await removeTemporaryFiles(dir)).toEqual([]);
      expect(await cleanFolders()).not.toContain(join(dir, 'repository'));
      // Without records every folder is read.
      keepSweepRecordsIn(undefined);
      await writeFile(leftover('repository/targets'), 'killed');
      expect(await removeTemporaryFiles(dir)).toEqual([leftover('repository/targets')]);
    } finally {
      keepSweepRecordsIn(undefined);
      await rm(dir, { recursive: true, force: true });
      await rm(records, { recursive: true, force: true });
    }
  });

  it('never walks in circles on a damaged record of clean folders', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tuf-ceremony-tmp-'));
    const records = await mkdtemp(join(tmpdir(), 'tuf-ceremony-sweeps-'));
    try {
      await mkdir(join(dir, 'sub'));
      const { ino, mtimeMs, ctimeMs } = await stat(dir);
      const name = createHash('sha256').update(dir).digest('hex');
      await writeFile(
        join(records, `${name}.json`),
        JSON.stringify({ root: dir, folders: { [dir]: [ino, mtimeMs, ctimeMs, ['..', 'sub']] } }),
      );
      keepSweepRecordsIn(records, 300);
      await writeFile(join(dir, 'sub', '.x.json.0123456789ab.tmp'), 'killed');
      // The entry naming `..` is refused whole: the root is read, and the leftover found.
      expect(await removeTemporaryFiles(dir)).toEqual([
        join(dir, 'sub', '.x.json.0123456789ab.tmp'),
      ]);
    } finally {
      keepSweepRecordsIn(undefined);
      await rm(dir, { recursive: true, force: true });
      await rm(records, { recursive: true, force: true });
    }
  });
});
