import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';

// Published targets files this machine has parsed or written and found to hold no delegations,
// by the sha256 of their bytes. Finding which roles delegate a staged bin then needs no read of
// the other 16,383 bins of a million-target repository. A fact of content: other bytes are read
// and scanned as always. Kept in the tool's cache folder, outside every ceremony repository, and
// consulted only by the commands that reuse this machine's checks (status, review, sign,
// finalize); `verify` and `publish --check` never do.

/** Most entries kept (the oldest are dropped first). */
const MAX_ENTRIES = 400_000;
const FILE_NAME = 'delegation-free.txt';

let consulted: string | undefined;
let known: Set<string> | undefined;

/** Lets this process consult the record in `cacheDir` (commands that reuse checks only). */
export function consultDelegationFree(cacheDir: string): void {
  consulted = cacheDir;
  known = undefined;
}

function read(cacheDir: string): string[] {
  try {
    const text = readFileSync(join(cacheDir, FILE_NAME), 'utf8');
    return text.split('\n').filter((l) => /^[0-9a-f]{64}$/.test(l));
  } catch {
    // Unreadable or absent: as good as empty (the record only saves work).
    return [];
  }
}

/** True when this process may consult the record and it lists `sha256`. */
export function knownDelegationFree(sha256: string): boolean {
  if (consulted === undefined) return false;
  known ??= new Set(read(consulted));
  return known.has(sha256);
}

/** Adds files found free of delegations; a record that cannot be written is skipped. */
export async function recordDelegationFree(
  cacheDir: string,
  sha256s: Iterable<string>,
): Promise<void> {
  const all = new Set(read(cacheDir));
  const before = all.size;
  for (const sha of sha256s) {
    all.delete(sha);
    all.add(sha);
  }
  if (all.size === before && [...sha256s].length === 0) return;
  const kept = [...all].slice(-MAX_ENTRIES);
  try {
    await writeFileAtomic(join(cacheDir, FILE_NAME), `${kept.join('\n')}\n`, 0o600);
  } catch {
    // Read-only or missing cache folder: bins are read and scanned, as without a record.
  }
  if (consulted === cacheDir) known = undefined;
}
