import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { syncPath, writeFileRenamed, writeNewFile, type FileData } from './atomic-write.js';

// Many files made durable together: each is written to a temp file and renamed into place (so
// a reader, or a command killed at any moment, sees the old file or the new one, never a torn
// one), then the file system is synced once (syncfs(2) through `sync -f`) instead of two fsyncs
// per file. Callers write the file that points at the batch (staged/ceremony.json, root.json,
// timestamp.json) afterwards with writeFileAtomic, so nothing refers to a file before it is on
// disk: the crash-safe order of the TUF repository layout (content, then metadata, timestamp
// last).

function runSync(dir: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('sync', ['-f', dir], { timeout: 120_000 }, (err) => {
      resolve(err === null);
    });
  });
}

/**
 * Makes every file written under `dir` durable: one syncfs of its file system; where `sync -f`
 * is not available, an fsync of each written file and folder.
 */
export async function syncFileSystem(dir: string, written: readonly string[]): Promise<void> {
  if (await runSync(dir)) return;
  for (const path of written) await syncPath(path);
  for (const folder of new Set(written.map((p) => dirname(p)))) await syncPath(folder);
}

/** Options of a batch write. */
export interface BatchOptions {
  /** Called after each file is in place (progress). */
  onFile?: () => void;
  /** Called after file `index` (crash injection in recovery tests). */
  afterFile?: (index: number) => void;
  /**
   * Nothing refers to these files until the caller's next write (a new staging area's drafts,
   * listed only by the staged/ceremony.json written after them). In a folder this batch creates
   * they are written in place, without temporary file and rename: there is no earlier file for
   * a reader to keep, and a crash leaves files no ceremony lists, which the next run replaces
   * through renames (the folder exists then).
   */
  unreferenced?: boolean;
}

/**
 * Writes every file (temp file, rename) in the given order, then syncs them all at once.
 * `root` is a folder on the same file system as every path.
 */
export async function writeFilesDurably(
  root: string,
  files: Iterable<readonly [string, FileData]>,
  options: BatchOptions = {},
): Promise<string[]> {
  const made = new Set<string>();
  // Folders this batch created, where unreferenced files are written in place.
  const created = new Set<string>();
  const written: string[] = [];
  for (const [path, data] of files) {
    const dir = dirname(path);
    if (!made.has(dir)) {
      // mkdir names the first folder it made: then `dir`, the deepest, is new as well.
      const first = await mkdir(dir, { recursive: true });
      made.add(dir);
      if (first !== undefined && options.unreferenced === true) created.add(dir);
    }
    if (created.has(dir)) writeNewFile(path, data);
    else await writeFileRenamed(path, data, { sync: false });
    written.push(path);
    options.onFile?.();
    options.afterFile?.(written.length - 1);
  }
  if (written.length > 0) await syncFileSystem(root, written);
  return written;
}
