import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, lstatSync, openSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { isJsonObject } from '../metadata/json.js';
import { writeFileAtomic } from './atomic-write.js';
import { fillFrom, readBounded, readBuffer } from './read-no-follow.js';

// The sha256 of a ceremony's input files as this machine last hashed them, keyed by what the
// file system says about each file (size, inode, modification and change times, to a fraction
// of a microsecond), as git's index does: a file whose status is unchanged is not read again.
// Any write to a file moves its change time, which no program can set back; a file is remembered
// only once its change time is over two seconds old, so a write in the same instant as the hash
// cannot hide behind the record. Kept in the tool's cache folder beside the planning records,
// never in the ceremony repository; `publish --check` and `verify` never use it.

/** Largest record read. */
const MAX_RECORD_BYTES = 256 * 1024 * 1024;
/** What hashing a file again may cost, in bytes hashed per entry the record would rewrite. */
const REHASH_BYTES_PER_ENTRY = 64;
/** What opening and reading one file costs beyond its bytes, counted as bytes hashed. */
const PER_FILE_BYTES = 4096;
/** A file changed less than this long ago is hashed every time (milliseconds). */
const SETTLED_MS = 2_000;

/**
 * Times are the file system's in milliseconds as a double (a resolution of about 0.25 us today):
 * two writes that close together are covered by the change time having to be settled, and the
 * plain numbers spare 16,384 files four BigInt conversions each.
 */
type Entry = [size: number, ino: number, mtimeMs: number, ctimeMs: number, sha256: string];
type Status = [size: number, ino: number, mtimeMs: number, ctimeMs: number];

function statusOf(s: Stats): Status {
  return [s.size, s.ino, s.mtimeMs, s.ctimeMs];
}

function isEntry(value: unknown): value is Entry {
  return (
    Array.isArray(value) &&
    value.length === 5 &&
    typeof value[0] === 'number' &&
    typeof value[1] === 'number' &&
    typeof value[2] === 'number' &&
    typeof value[3] === 'number' &&
    typeof value[4] === 'string'
  );
}

/** True when `now` is the status `entry` was remembered with. */
function sameStatus(now: Status, entry: Entry): boolean {
  return now[0] === entry[0] && now[1] === entry[1] && now[2] === entry[2] && now[3] === entry[3];
}

/** The remembered digests of one ceremony folder's files, and the new ones found meanwhile. */
export class FileDigests {
  private readonly found = new Map<string, Entry>();
  /** Statuses taken ahead of their lookup (prefetch), each used once. */
  private readonly ahead = new Map<string, Status | undefined>();
  private changed = false;
  /** Bytes of the files remembered anew this time, and how many they are. */
  private newBytes = 0;
  private newFiles = 0;

  private constructor(
    private readonly file: string,
    private readonly dir: string,
    private readonly known: Map<string, Entry>,
  ) {}

  /** The record of `dir` kept in `recordsDir` (empty when there is none or it is unreadable). */
  static async open(recordsDir: string, dir: string): Promise<FileDigests> {
    const file = join(recordsDir, `${createHash('sha256').update(dir).digest('hex')}.files.json`);
    const known = new Map<string, Entry>();
    try {
      const bytes = await readBounded(file, MAX_RECORD_BYTES);
      const value = bytes && (JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown);
      if (isJsonObject(value) && value.dir === dir && isJsonObject(value.files))
        for (const [path, entry] of Object.entries(value.files))
          if (isEntry(entry)) known.set(path, entry);
    } catch {
      // A record only saves work: one that cannot be read is as good as none.
    }
    return new FileDigests(file, dir, known);
  }

  private status(path: string): Status | undefined {
    try {
      const s = lstatSync(path, { throwIfNoEntry: false });
      if (s === undefined || !s.isFile()) return undefined;
      return statusOf(s);
    } catch {
      return undefined;
    }
  }

  /**
   * Takes the status of each remembered file of `paths` now, for its next lookup: a command
   * that waits (an online key's unlock) does this work while it waits. A lookup then answers for
   * the file as it was at this moment.
   */
  prefetch(paths: Iterable<string>): void {
    for (const path of paths) if (this.known.has(path)) this.ahead.set(path, this.status(path));
  }

  /**
   * Hashes now each file of `paths` that no remembered entry answers for (prefetch first), when
   * its last change has settled, and remembers it: a check that follows takes its digest instead
   * of reading it, and no file's bytes are kept (one reused buffer). A file changed less than
   * SETTLED_MS ago, missing, a link, not a regular file or over `maxLength` bytes is left to the
   * reader that refuses or reads it. Returns how many files were hashed. `clock` gives the time
   * each read starts (milliseconds since the epoch).
   */
  refresh(paths: Iterable<string>, maxLength: number, clock: () => number = Date.now): number {
    let hashed = 0;
    for (const path of paths) {
      const entry = this.known.get(path);
      const now = this.ahead.has(path) ? this.ahead.get(path) : undefined;
      if (entry !== undefined && now !== undefined && sameStatus(now, entry)) continue;
      const measured = this.hashSettled(path, maxLength, clock());
      if (measured === undefined) continue;
      const [status, sha256] = measured;
      const fresh: Entry = [...status, sha256];
      this.known.set(path, fresh);
      this.found.set(path, fresh);
      // The next lookup answers for the file as it was when hashed (as after a prefetch).
      this.ahead.set(path, status);
      this.changed = true;
      this.newBytes += status[0];
      this.newFiles++;
      hashed++;
    }
    return hashed;
  }

  /** The status after reading and the sha256 of a settled regular file (see refresh). */
  private hashSettled(
    path: string,
    maxLength: number,
    hashedAtMs: number,
  ): [Status, string] | undefined {
    let fd: number;
    try {
      // Non-blocking: a FIFO planted under a published file's name cannot stall the command.
      fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch {
      return undefined;
    }
    try {
      const before = fstatSync(fd);
      if (!before.isFile() || before.size > maxLength) return undefined;
      // A change within SETTLED_MS of the read could share its change time with a later write.
      if (hashedAtMs - before.ctimeMs < SETTLED_MS) return undefined;
      const size = before.size;
      // One byte more than the size: a file that grew since fstat is not remembered.
      const buffer = readBuffer(size + 1);
      const filled = fillFrom(fd, buffer, size + 1);
      const after = statusOf(fstatSync(fd));
      if (filled !== size || after[0] !== size || hashedAtMs - after[3] < SETTLED_MS)
        return undefined;
      const sha256 = createHash('sha256').update(buffer.subarray(0, size)).digest('hex');
      return [after, sha256];
    } catch {
      return undefined;
    } finally {
      closeSync(fd);
    }
  }

  /** The remembered sha256 of `path` when its file status is exactly as when it was hashed. */
  lookup(path: string): string | undefined {
    return this.measured(path)?.sha256;
  }

  /** lookup with the file's length (its size, unchanged since it was hashed). */
  measured(path: string): { length: number; sha256: string } | undefined {
    const entry = this.known.get(path);
    if (entry === undefined) return undefined;
    const taken = this.ahead.has(path);
    const now = taken ? this.ahead.get(path) : this.status(path);
    if (taken) this.ahead.delete(path);
    if (now === undefined || !sameStatus(now, entry)) return undefined;
    this.found.set(path, entry);
    return { length: entry[0], sha256: entry[4] };
  }

  /**
   * Remembers the sha256 just computed for `path`, hashed from `hashedAtMs` (milliseconds since
   * the epoch) on, once its last change has settled.
   */
  remember(path: string, sha256: string, hashedAtMs: number): void {
    const now = this.status(path);
    if (now === undefined || hashedAtMs - now[3] < SETTLED_MS) return;
    this.found.set(path, [...now, sha256]);
    this.changed = true;
    this.newBytes += now[0];
    this.newFiles++;
  }

  /**
   * Writes the digests used or found this time when new ones were found that are worth it (files
   * no longer read, or changed, are dropped then; until then their stale entries only cost a
   * status each). Rewriting 16,384 entries costs about 40 ms; hashing a listing of one more
   * target again costs well under one: new files that would cost less to hash again than the
   * record to rewrite (REHASH_BYTES_PER_ENTRY per entry, a file counting PER_FILE_BYTES more)
   * wait for a later command, which hashes them meanwhile.
   */
  async save(): Promise<void> {
    if (!this.changed) return;
    const rehash = this.newBytes + this.newFiles * PER_FILE_BYTES;
    if (rehash < this.found.size * REHASH_BYTES_PER_ENTRY) return;
    const files: Record<string, Entry> = {};
    for (const [path, entry] of this.found) files[path] = entry;
    try {
      await writeFileAtomic(this.file, `${JSON.stringify({ dir: this.dir, files })}\n`, 0o600);
    } catch {
      // Read-only or missing cache folder: files are hashed again next time.
    }
  }
}
