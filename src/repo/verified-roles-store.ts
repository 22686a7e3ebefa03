import { join } from 'node:path';
import type { RecordedRole, VerifiedRoles } from '../metadata/client/verified-roles.js';
import { writeFileAtomic } from './atomic-write.js';
import { readBounded } from './read-no-follow.js';
import { toolCacheDir } from './tool-cache.js';

// The targets roles finalize verified as a client on this machine (see
// src/metadata/client/verified-roles.ts), kept in the tool's cache folder, outside every ceremony
// repository: a pull request cannot supply an entry. One line per role, `<key> <version>
// <expires>`, the most recently used last. `verify` and `publish --check` never read it.

/** Entries kept (the most recently used): a 16,384-bin repository needs 16,384. */
const MAX_KEPT = 300_000;
/** Largest file read: MAX_KEPT lines of at most 103 bytes, with room. */
const MAX_FILE_BYTES = 48 * 1024 * 1024;
/** One line: key, version (a safe integer), expiry as YYYY-MM-DDTHH:MM:SSZ. */
const LINE =
  /^([0-9a-f]{64}) ([1-9][0-9]{0,14}) ([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)$/;

/** The record's file in the tool's cache folder. */
export function verifiedRolesFile(env: Readonly<Record<string, string | undefined>>): string {
  return join(toolCacheDir(env), 'verified-roles.txt');
}

async function readRecord(file: string): Promise<Map<string, RecordedRole>> {
  const out = new Map<string, RecordedRole>();
  let text: string;
  try {
    const bytes = await readBounded(file, MAX_FILE_BYTES);
    if (bytes === undefined) return out;
    text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  } catch {
    // A record that cannot be read is as good as none: every role is verified in full.
    return out;
  }
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (m === null) continue;
    const [, key, version, expires] = m as unknown as [string, string, string, string];
    out.delete(key);
    out.set(key, { version: Number(version), expires });
  }
  return out;
}

/** The machine's record of verified targets roles, as one command reads and extends it. */
export class VerifiedRolesRecord implements VerifiedRoles {
  private readonly used = new Set<string>();
  private readonly added = new Map<string, RecordedRole>();

  private constructor(
    private readonly file: string,
    private readonly entries: ReadonlyMap<string, RecordedRole>,
    private readonly maxKept: number,
  ) {}

  /** Reads the record of this machine (empty when missing or unreadable); `maxKept` for tests. */
  static async load(
    env: Readonly<Record<string, string | undefined>>,
    maxKept = MAX_KEPT,
  ): Promise<VerifiedRolesRecord> {
    const file = verifiedRolesFile(env);
    return new VerifiedRolesRecord(file, await readRecord(file), Math.min(maxKept, MAX_KEPT));
  }

  get(key: string): RecordedRole | undefined {
    const found = this.added.get(key) ?? this.entries.get(key);
    if (found !== undefined) this.used.add(key);
    return found;
  }

  add(key: string, role: RecordedRole): void {
    this.added.set(key, role);
  }

  /**
   * Writes the entries added, after those of the file as it is now (another command may have
   * extended it meanwhile) and moves the entries used to the end; the oldest beyond maxKept are
   * dropped. Atomic; skipped when nothing was added or the cache cannot be written.
   */
  async save(): Promise<void> {
    if (this.added.size === 0) return;
    const kept = await readRecord(this.file);
    for (const key of this.used) {
      const role = kept.get(key) ?? this.entries.get(key);
      if (role === undefined || this.added.has(key)) continue;
      kept.delete(key);
      kept.set(key, role);
    }
    for (const [key, role] of this.added) {
      kept.delete(key);
      kept.set(key, role);
    }
    const lines: string[] = [];
    let skip = kept.size - this.maxKept;
    for (const [key, role] of kept) {
      if (skip-- > 0) continue;
      lines.push(`${key} ${role.version} ${role.expires}\n`);
    }
    try {
      await writeFileAtomic(this.file, lines.join(''), 0o600);
    } catch {
      // Read-only or missing cache folder: the next finalize verifies every role in full.
    }
  }
}
