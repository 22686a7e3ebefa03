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

/** Copy buffer: the only part of a copied file ever in memory. */
const COPY_CHUNK = 1024 * 1024;

/**
 * Copies a file atomically (temporary file, fsync, rename, fsync of the directory) through one
 * reused buffer, so memory stays flat whatever the file's size; runs of zeros are skipped rather
 * than written, so a sparse file stays sparse. Returns the number of bytes copied.
 */
export async function copyFileAtomic(source: string, path: string, mode = 0o644): Promise<number> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const temp = temporaryPath(dir, path);
  const input = await open(source, 'r');
  let length = 0;
  try {
    const output = await open(temp, 'wx', mode);
    try {
      const buffer = Buffer.alloc(COPY_CHUNK);
      const zeros = Buffer.alloc(COPY_CHUNK);
      for (;;) {
        const { bytesRead } = await input.read(buffer, 0, COPY_CHUNK, length);
        if (bytesRead === 0) break;
        const chunk = buffer.subarray(0, bytesRead);
        if (!chunk.equals(zeros.subarray(0, bytesRead))) {
          await output.write(chunk, 0, bytesRead, length);
        }
        length += bytesRead;
      }
      await output.truncate(length);
      crashPoint('write:before-fsync', basename(path));
      await output.sync();
    } finally {
      await output.close();
    }
    crashPoint('write:before-rename', basename(path));
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  } finally {
    await input.close();
  }
  await syncDirectory(dir);
  return length;
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
