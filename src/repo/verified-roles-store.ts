import { join } from 'node:path';
import type { RecordedRole, VerifiedRoles } from '../metadata/client/verified-roles.js';
import { writeFileAtomic } from './atomic-write.js';
import { readBounded } from './read-no-follow.js';
import { toolCacheDir } from './tool-cache.js';

// The targets roles finalize verified as a client on this machine (see
// src/metadata/client/verified-roles.ts), kept in the tool's cache folder, outside every ceremony
// repository: a pull request cannot supply an entry. One line per role, `<key> <version>
// <expires>`, the most recently used last. `verify` and `publish --check` never read it.
// Lines are split at load and checked when used or written (a finalize uses one per bin).

/**
 * Entries kept (the most recently used): a 16,384-bin repository needs 16,384 (and as many stale
 * ones after a re-sign of every bin). Reading and writing 100,000 lines costs about 0.2 s each.
 */
const MAX_KEPT = 100_000;
/** Largest file read: MAX_KEPT lines of at most 101 bytes, with room. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;
const KEY = /^[0-9a-f]{64}$/;
/** What follows the key: version (a safe integer), expiry as YYYY-MM-DDTHH:MM:SSZ. */
const FACTS = /^([1-9][0-9]{0,14}) ([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)$/;

/** The record's file in the tool's cache folder. */
export function verifiedRolesFile(env: Readonly<Record<string, string | undefined>>): string {
  return join(toolCacheDir(env), 'verified-roles.txt');
}

/** Each line's key and the text after it, in file order (unchecked). */
async function readRecord(file: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let text: string;
  try {
    const bytes = await readBounded(file, MAX_FILE_BYTES);
    if (bytes === undefined) return out;
    text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  } catch {
    // A record that cannot be read is as good as none: every role is verified in full.
    return out;
  }
  for (const line of text.split('\n'))
    if (line.length > 65 && line.charCodeAt(64) === 0x20)
      out.set(line.slice(0, 64), line.slice(65));
  return out;
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
   * Writes the record back with the entries added last and the entries used before them, the
   * oldest beyond maxKept and every malformed line dropped. Atomic; skipped when nothing was
   * added or the cache cannot be written (another command's additions meanwhile may be lost:
   * that costs time only).
   */
  async save(): Promise<void> {
    if (this.added.size === 0) return;
    const lines: string[] = [];
    const write = (key: string, text: string): void => {
      if (KEY.test(key) && FACTS.test(text)) lines.push(`${key} ${text}\n`);
    };
    for (const [key, text] of this.entries)
      if (!this.used.has(key) && !this.added.has(key)) write(key, text);
    for (const key of this.used) {
      const text = this.entries.get(key);
      if (text !== undefined && !this.added.has(key)) write(key, text);
    }
    for (const [key, role] of this.added) write(key, `${role.version} ${role.expires}`);
    try {
      await writeFileAtomic(this.file, lines.slice(-this.maxKept).join(''), 0o600);
    } catch {
      // Read-only or missing cache folder: the next finalize verifies every role in full.
    }
  }
}
