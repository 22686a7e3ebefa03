import { createHash } from 'node:crypto';
import { lstatSync, statSync, type Stats } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isJsonObject } from '../metadata/json.js';
import { writeFileAtomic } from './atomic-write.js';
import { readBounded } from './read-no-follow.js';
import { isTemporaryName, temporaryWriterPid } from './temporary-files.js';

// Every command first removes what killed runs left (temporary-files.ts names them), so that no
// scan after it ever sees one.

function writerAlive(name: string): boolean {
  const pid = temporaryWriterPid(name);
  if (pid === 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

/** Folders never searched for leftovers: git's own, and installed dependencies. */
const SKIPPED = new Set(['.git', 'node_modules']);

// A sweep reads every folder of the ceremony repository: 32,768 names in the repository of a
// 16,384-bin delegation, as many in its listings, on every command. A folder's modification and
// change times move whenever an entry is created, removed or renamed in it, so a folder whose
// status is as when a sweep last found it clean holds no leftover (nor other subfolders) and is
// not read again. This machine's record of clean folders lives in the tool's cache folder; a
// folder is recorded only when its last change was two seconds before the sweep started, so a
// temporary file made in the same clock tick as that change cannot hide behind the record.

/** A folder's last change must be this much older than the sweep's start to be recorded. */
const SETTLED_MS = 2_000;

/** Where this process keeps its records of clean folders (unset: every folder is read). */
let sweepRecordsDir: string | undefined;
let settledMs = SETTLED_MS;

/**
 * Lets sweeps of this process skip folders unchanged since they were found clean, recording
 * folders whose last change is `settled` ms old (SETTLED_MS; shorter for tests).
 */
export function keepSweepRecordsIn(dir: string | undefined, settled = SETTLED_MS): void {
  sweepRecordsDir = dir;
  settledMs = settled;
}

/** A folder found clean: its inode, modification and change times, and its subfolders. */
type CleanFolder = [ino: number, mtimeMs: number, ctimeMs: number, subfolders: string[]];

/** Largest record read. */
const MAX_RECORD_BYTES = 16 * 1024 * 1024;

function isCleanFolder(value: unknown): value is CleanFolder {
  return (
    Array.isArray(value) &&
    value.length === 4 &&
    typeof value[0] === 'number' &&
    typeof value[1] === 'number' &&
    typeof value[2] === 'number' &&
    Array.isArray(value[3]) &&
    // One step down each: a name that climbs or stays (`..`, `.`) would walk in circles.
    value[3].every(
      (name) =>
        typeof name === 'string' &&
        name !== '' &&
        name !== '.' &&
        name !== '..' &&
        !name.includes('/'),
    )
  );
}

function recordFile(recordsDir: string, root: string): string {
  return join(recordsDir, `${createHash('sha256').update(root).digest('hex')}.json`);
}

async function readCleanFolders(file: string, root: string): Promise<Map<string, CleanFolder>> {
  const out = new Map<string, CleanFolder>();
  try {
    const bytes = await readBounded(file, MAX_RECORD_BYTES);
    const value = bytes && (JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown);
    if (isJsonObject(value) && value.root === root && isJsonObject(value.folders))
      for (const [path, folder] of Object.entries(value.folders))
        if (isCleanFolder(folder)) out.set(path, folder);
  } catch {
    // A record only saves work: one that cannot be read is as good as none.
  }
  return out;
}

function unchanged(folder: CleanFolder | undefined, now: Stats): folder is CleanFolder {
  return (
    folder !== undefined &&
    folder[0] === now.ino &&
    folder[1] === now.mtimeMs &&
    folder[2] === now.ctimeMs
  );
}

/** The folder's status (the root's through a link, any other's never), if it is a folder. */
function folderStatus(dir: string, isRoot: boolean): Stats | undefined {
  try {
    const status = isRoot ? statSync(dir) : lstatSync(dir);
    return status.isDirectory() ? status : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Removes the temporary files and folders that killed runs left anywhere below `root` (a
 * ceremony repository), except those of a writer still running; returns the paths removed.
 * Symbolic links are never followed; the walk visits each entry once. Folders unchanged since
 * a sweep found them clean are not read again (see keepSweepRecordsIn).
 */
export async function removeTemporaryFiles(root: string): Promise<string[]> {
  const started = Date.now();
  const recordsDir = sweepRecordsDir;
  const file = recordsDir === undefined ? undefined : recordFile(recordsDir, root);
  const known =
    file === undefined ? new Map<string, CleanFolder>() : await readCleanFolders(file, root);
  const clean = new Map<string, CleanFolder>();
  let recorded = 0;
  const removed: string[] = [];
  const pending = [root];
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    const status = file === undefined ? undefined : folderStatus(dir, dir === root);
    // A recorded subfolder that is no folder any more (its parent was read since) is skipped.
    if (file !== undefined && status === undefined) continue;
    const folder = known.get(dir);
    if (status !== undefined && unchanged(folder, status)) {
      clean.set(dir, folder);
      for (const name of folder[3]) pending.push(join(dir, name));
      continue;
    }
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES') continue;
      throw err;
    }
    const subfolders: string[] = [];
    let left = false;
    for (const entry of entries) {
      if (isTemporaryName(entry.name)) {
        left = true;
        if (writerAlive(entry.name)) continue;
        const path = join(dir, entry.name);
        await rm(path, { recursive: true, force: true });
        removed.push(path);
      } else if (entry.isDirectory() && !SKIPPED.has(entry.name)) {
        subfolders.push(entry.name);
        pending.push(join(dir, entry.name));
      }
    }
    const settled =
      status !== undefined &&
      started - status.mtimeMs >= settledMs &&
      started - status.ctimeMs >= settledMs;
    if (!left && settled) {
      clean.set(dir, [status.ino, status.mtimeMs, status.ctimeMs, subfolders]);
      recorded++;
    }
  }
  if (file !== undefined && (recorded > 0 || clean.size !== known.size)) {
    try {
      await writeFileAtomic(
        file,
        `${JSON.stringify({ root, folders: Object.fromEntries(clean) })}\n`,
        0o600,
      );
    } catch {
      // Read-only or missing cache folder: every folder is read next time.
    }
  }
  return removed;
}
