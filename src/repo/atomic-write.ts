import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { mapBounded } from './parallel.js';

/**
 * Writes a file atomically: a temp file in the same directory, fsync, rename over the target,
 * fsync of the directory. A crash leaves either the old file or the new one, never a torn one.
 */
export async function writeFileAtomic(
  path: string,
  data: Uint8Array | string,
  mode = 0o644,
): Promise<void> {
  const temp = await writeTemp(path, data, mode);
  try {
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  await syncDirectory(dirname(path));
}

/** A synced temp file beside `path` holding `data`; removed again if writing fails. */
async function writeTemp(path: string, data: Uint8Array | string, mode: number): Promise<string> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await rm(temp, { force: true });
    throw err;
  }
  await handle.close();
  return temp;
}

/** How many temp files a batch writes and syncs at once. */
const BATCH_PARALLELISM = 16;

/**
 * Writes many files atomically as one batch: every file is first written and synced beside its
 * target (a bounded number at a time); only when all succeeded are they renamed into place and
 * each directory synced once. A failure while writing leaves none of them changed.
 */
export async function writeFilesAtomic(
  files: readonly { path: string; data: Uint8Array | string }[],
  mode = 0o644,
): Promise<void> {
  const temps = new Array<string | undefined>(files.length);
  try {
    await mapBounded(files, BATCH_PARALLELISM, async (file, i) => {
      temps[i] = await writeTemp(file.path, file.data, mode);
    });
  } catch (err) {
    await Promise.all(
      temps.filter((t): t is string => t !== undefined).map((t) => rm(t, { force: true })),
    );
    throw err;
  }
  for (const [i, file] of files.entries()) await rename(temps[i] as string, file.path);
  for (const dir of new Set(files.map((f) => dirname(f.path)))) await syncDirectory(dir);
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
