import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { crashPoint } from './crash-hook.js';
import { temporaryPath } from './temporary-files.js';

/**
 * Writes a file atomically: a temporary file in the same directory (named so that no scan takes
 * it for an input, see temporary-files.ts), fsync, rename over the target, fsync of the
 * directory. A crash leaves either the old file or the new one, never a torn one.
 */
export async function writeFileAtomic(
  path: string,
  data: Uint8Array | string,
  mode = 0o644,
): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const temp = temporaryPath(dir, path);
  const handle = await open(temp, 'wx', mode);
  try {
    await handle.writeFile(data);
    crashPoint('write:before-fsync', basename(path));
    await handle.sync();
  } catch (err) {
    await handle.close();
    await rm(temp, { force: true });
    throw err;
  }
  await handle.close();
  crashPoint('write:before-rename', basename(path));
  try {
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  await syncDirectory(dir);
}

/** Fsyncs a directory, so a rename or removal in it survives a power cut. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
