import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** What a file may be written from: bytes, text, or text in chunks (large files stream). */
export type FileData = Uint8Array | string | Iterable<string>;

/** Hidden temp name beside a file: `.NAME.RANDOM.tmp` (no input scan lists dot files). */
export function tempNameFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Writes a file through a temp file in the same directory and a rename over the target (fsync
 * of the temp file first when `sync`): a reader or a killed process sees the old file or the new
 * one, never a torn one.
 */
export async function writeFileRenamed(
  path: string,
  data: FileData,
  options: { mode?: number; sync: boolean },
): Promise<void> {
  const temp = tempNameFor(path);
  const handle = await open(temp, 'wx', options.mode ?? 0o644);
  try {
    if (typeof data === 'string' || data instanceof Uint8Array) await handle.writeFile(data);
    else for (const chunk of data) await handle.write(chunk);
    if (options.sync) await handle.sync();
  } catch (err) {
    await handle.close();
    await rm(temp, { force: true });
    throw err;
  }
  await handle.close();
  try {
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/**
 * Writes a file atomically: a temp file in the same directory, fsync, rename over the target,
 * fsync of the directory. A crash leaves either the old file or the new one, never a torn one.
 */
export async function writeFileAtomic(path: string, data: FileData, mode = 0o644): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  await writeFileRenamed(path, data, { mode, sync: true });
  await syncPath(dir);
}

/** fsync of a file or folder by path. */
export async function syncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
