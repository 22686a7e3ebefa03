import { createHash } from 'node:crypto';
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
  return temp;
}

/** Copy buffer: the only part of a copied file ever in memory. */
const COPY_CHUNK = 1024 * 1024;

/** Length and sha256 of a copied file, as copied. */
export interface CopiedFile {
  length: number;
  sha256: string;
}

/**
 * Copies a file atomically (temporary file, fsync, rename, fsync of the directory) through one
 * reused buffer, so memory stays flat whatever the file's size; runs of zeros are skipped rather
 * than written, so a sparse file stays sparse. The bytes are hashed as they are copied, and
 * `check` (which may throw) sees the result before the rename: what is checked is what lands.
 */
export async function copyFileAtomic(
  source: string,
  path: string,
  check: (copied: CopiedFile) => void = () => undefined,
): Promise<CopiedFile> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const temp = temporaryPath(dir, path);
  const input = await open(source, 'r');
  const hash = createHash('sha256');
  let length = 0;
  try {
    const output = await open(temp, 'wx', 0o644);
    try {
      const buffer = Buffer.alloc(COPY_CHUNK);
      const zeros = Buffer.alloc(COPY_CHUNK);
      for (;;) {
        const { bytesRead } = await input.read(buffer, 0, COPY_CHUNK, length);
        if (bytesRead === 0) break;
        const chunk = buffer.subarray(0, bytesRead);
        hash.update(chunk);
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
    const copied = { length, sha256: hash.digest('hex') };
    check(copied);
    crashPoint('write:before-rename', basename(path));
    await rename(temp, path);
    await syncDirectory(dir);
    return copied;
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  } finally {
    await input.close();
  }
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
