import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { crashPoint } from './crash-hook.js';
import { temporaryPath } from './temporary-files.js';

/** What a file may be written from: bytes, text, or text in chunks (large files stream). */
export type FileData = Uint8Array | string | Iterable<string>;

/**
 * Writes a file through a temporary file in the same directory (named so that no scan takes it
 * for an input, see temporary-files.ts) and a rename over the target, with an fsync of the
 * temporary file first when `sync`: a reader or a killed process sees the old file or the new
 * one, never a torn one. The caller syncs the directory (or the file system, for a batch).
 * Synchronous system calls behind the promise: staging or publishing 16,384 bins writes as many
 * files, and thread-pool round trips per call cost more than the writes.
 */
export function writeFileRenamed(
  path: string,
  data: FileData,
  options: { mode?: number; sync: boolean },
): Promise<void> {
  return new Promise((resolve) => {
    writeFileRenamedSync(path, data, options);
    resolve();
  });
}

/** Writes all of `data` at the file position (writeFileSync on a descriptor loops until done). */
function writeAll(fd: number, data: FileData): void {
  if (typeof data === 'string' || data instanceof Uint8Array) writeFileSync(fd, data);
  else for (const chunk of data) writeFileSync(fd, chunk);
}

/**
 * Creates a new file in place (exclusive create: never over an existing file or link), for a
 * folder the caller has just made whose files nothing refers to yet (durable-batch.ts).
 */
export function writeNewFile(path: string, data: FileData, mode = 0o644): void {
  const fd = openSync(path, 'wx', mode);
  try {
    writeAll(fd, data);
  } finally {
    closeSync(fd);
  }
}

function writeFileRenamedSync(
  path: string,
  data: FileData,
  options: { mode?: number; sync: boolean },
): void {
  const temp = temporaryPath(dirname(path), path);
  const fd = openSync(temp, 'wx', options.mode ?? 0o644);
  try {
    writeAll(fd, data);
    crashPoint('write:before-fsync', basename(path));
    if (options.sync) fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw err;
  }
  closeSync(fd);
  crashPoint('write:before-rename', basename(path));
  try {
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}

/**
 * Writes a file atomically: a temporary file in the same directory, fsync, rename over the
 * target, fsync of the directory. A crash leaves either the old file or the new one, never a
 * torn one.
 */
export async function writeFileAtomic(path: string, data: FileData, mode = 0o644): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  await writeFileRenamed(path, data, { mode, sync: true });
  await syncDirectory(dir);
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
