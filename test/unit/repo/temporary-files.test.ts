import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../src/repo/atomic-write.js';
import { listInputPaths } from '../../../src/repo/target-inputs.js';
import {
  isTemporaryName,
  removeTemporaryFiles,
  temporaryPath,
} from '../../../src/repo/temporary-files.js';

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
});
