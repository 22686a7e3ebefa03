import { randomBytes } from 'node:crypto';
import { basename, join } from 'node:path';

// Temporary files (an atomic write's file before its rename, a staging area being removed) are
// named so that no scan of the ceremony repository takes them for an input: a leading dot and
// the suffix `.tuf-ceremony-tmp`, never `.json`, `.jsonl` or a target's own name. The name
// carries the writer's process id, so a command removes the leftovers of killed runs at its
// start without touching the file of a command still running (leftover-sweep.ts).

/** Suffix of every temporary file and folder the tool creates. */
export const TEMPORARY_SUFFIX = '.tuf-ceremony-tmp';

const TEMPORARY = /^\..*\.(\d+)-[0-9a-f]{12}\.tuf-ceremony-tmp$/;
/** What versions before 0.2 left behind: `.<name>.<12 hex>.tmp`. */
const LEGACY_TEMPORARY = /^\..+\.[0-9a-f]{12}\.tmp$/;

// The 12 hex digits of a name: drawn at random once per process, then counted (a batch of
// 16,384 files costs one random draw, not one each); unique within the process for 2^48 names,
// and the process id sets processes apart.
const SUFFIX_SPACE = 2 ** 48;
let nextSuffix = randomBytes(6).readUIntBE(0, 6);

/** The temporary name for `path`, in the same folder (so a rename over `path` is atomic). */
export function temporaryPath(dir: string, path: string): string {
  const suffix = nextSuffix.toString(16).padStart(12, '0');
  nextSuffix = (nextSuffix + 1) % SUFFIX_SPACE;
  return join(dir, `.${basename(path)}.${process.pid}-${suffix}${TEMPORARY_SUFFIX}`);
}

/** True for the name of a temporary file or folder (of this tool, any version). */
export function isTemporaryName(name: string): boolean {
  // Both forms start with a dot: the 32,768 names of a 16,384-bin repository skip the patterns.
  return name.startsWith('.') && (TEMPORARY.test(name) || LEGACY_TEMPORARY.test(name));
}

/** The process id a temporary name carries (0 for a name of versions before 0.2, which has none). */
export function temporaryWriterPid(name: string): number {
  return Number(TEMPORARY.exec(name)?.[1] ?? 0);
}
