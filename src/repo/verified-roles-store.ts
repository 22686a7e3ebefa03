import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RecordedRole, VerifiedRoles } from '../metadata/client/verified-roles.js';
import { writeFileAtomic } from './atomic-write.js';
import { readBounded } from './read-no-follow.js';
import { toolCacheDir } from './tool-cache.js';

// The targets roles finalize verified as a client on this machine (see
// src/metadata/client/verified-roles.ts), kept in the tool's cache folder, outside every ceremony
// repository: a pull request cannot supply an entry. One line per role, `<key> <version>
// <expires>`, appended as roles are verified (the last line of a key wins). `verify` and
// `publish --check` never read it. Lines are split at load and checked when used or written (a
// finalize uses one per bin).

/**
 * Entries kept (the most recently used): a 16,384-bin repository needs 16,384 (and as many stale
 * ones after a re-sign of every bin). Reading and writing 100,000 lines costs about 0.2 s each.
 */
const MAX_KEPT = 100_000;
/** Largest file read: twice MAX_KEPT lines (appends before a rewrite) of at most 101 bytes. */
const MAX_FILE_BYTES = 32 * 1024 * 1024;
const KEY = /^[0-9a-f]{64}$/;
/** What follows the key: version (a safe integer), expiry as YYYY-MM-DDTHH:MM:SSZ. */
const FACTS = /^([1-9][0-9]{0,14}) ([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)$/;

/** The record's file in the tool's cache folder. */
export function verifiedRolesFile(env: Readonly<Record<string, string | undefined>>): string {
  return join(toolCacheDir(env), 'verified-roles.txt');
}

/** Each line's key and the text after it, the last line of a key winning (unchecked). */
async function readRecord(
  file: string,
): Promise<{ entries: Map<string, string>; lines: number; endsClean: boolean }> {
  const entries = new Map<string, string>();
  let text: string;
  try {
    const bytes = await readBounded(file, MAX_FILE_BYTES);
    if (bytes === undefined) return { entries, lines: 0, endsClean: true };
    text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  } catch {
    // A record that cannot be read is as good as none: every role is verified in full, and the
    // next save writes a new one.
    return { entries, lines: Number.MAX_SAFE_INTEGER, endsClean: true };
  }
  let lines = 0;
  for (const line of text.split('\n')) {
    if (line.length > 0) lines++;
    if (line.length > 65 && line.charCodeAt(64) === 0x20) {
      const key = line.slice(0, 64);
      // Deleted first so that the entry takes the place of its last line (most recent last).
      entries.delete(key);
      entries.set(key, line.slice(65));
    }
  }
  return { entries, lines, endsClean: text.length === 0 || text.endsWith('\n') };
}

function factsOf(text: string): RecordedRole | undefined {
  const m = FACTS.exec(text);
  return m?.[1] === undefined || m[2] === undefined
    ? undefined
    : { version: Number(m[1]), expires: m[2] };
}

/** The machine's record of verified targets roles, as one command reads and extends it. */
export class VerifiedRolesRecord implements VerifiedRoles {
  private readonly used = new Set<string>();
  private readonly added = new Map<string, RecordedRole>();

  private constructor(
    private readonly file: string,
    private readonly entries: ReadonlyMap<string, string>,
    private readonly lines: number,
    /** False when the file's last line has no end (a crash cut it short). */
    private readonly endsClean: boolean,
    private readonly maxKept: number,
  ) {}

  /** Reads the record of this machine (empty when missing or unreadable); `maxKept` for tests. */
  static async load(
    env: Readonly<Record<string, string | undefined>>,
    maxKept = MAX_KEPT,
  ): Promise<VerifiedRolesRecord> {
    const file = verifiedRolesFile(env);
    const { entries, lines, endsClean } = await readRecord(file);
    return new VerifiedRolesRecord(file, entries, lines, endsClean, Math.min(maxKept, MAX_KEPT));
  }

  get(key: string): RecordedRole | undefined {
    const added = this.added.get(key);
    if (added !== undefined) return added;
    const text = KEY.test(key) ? this.entries.get(key) : undefined;
    const found = text === undefined ? undefined : factsOf(text);
    if (found !== undefined) this.used.add(key);
    return found;
  }

  add(key: string, role: RecordedRole): void {
    if (KEY.test(key)) this.added.set(key, role);
  }

  /**
   * Appends the entries added (skipped when there are none or the cache cannot be written): a
   * line cut short by a crash, or two commands' lines mixed, is not an entry and is dropped when
   * read. Once the file would hold twice maxKept lines it is rewritten, atomically: the entries
   * added last, the entries used before them, then the rest, the oldest beyond maxKept and every
   * malformed line dropped (another command's additions meanwhile may be lost: that costs time
   * only).
   */
  async save(): Promise<void> {
    if (this.added.size === 0) return;
    const lines: string[] = [];
    const write = (key: string, text: string): void => {
      if (KEY.test(key) && FACTS.test(text)) lines.push(`${key} ${text}\n`);
    };
    try {
      if (this.lines + this.added.size < 2 * this.maxKept) {
        for (const [key, role] of this.added) write(key, `${role.version} ${role.expires}`);
        await mkdir(dirname(this.file), { recursive: true });
        // A line a crash cut short is ended first, so that it cannot swallow ours.
        const end = this.endsClean ? '' : '\n';
        await appendFile(this.file, `${end}${lines.join('')}`, { mode: 0o600 });
        return;
      }
      for (const [key, text] of this.entries)
        if (!this.used.has(key) && !this.added.has(key)) write(key, text);
      for (const key of this.used) {
        const text = this.entries.get(key);
        if (text !== undefined && !this.added.has(key)) write(key, text);
      }
      for (const [key, role] of this.added) write(key, `${role.version} ${role.expires}`);
      await writeFileAtomic(this.file, lines.slice(-this.maxKept).join(''), 0o600);
    } catch {
      // Read-only or missing cache folder: the next finalize verifies every role in full.
    }
  }
}
