import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { takeNewValidChecks, rememberValidChecks } from '../metadata/signature-check.js';
import { writeFileAtomic } from './atomic-write.js';
import { readBounded } from './read-no-follow.js';
import { toolCacheDir } from './tool-cache.js';

// Signature checks a ceremony's commands found valid, handed from one command to the next on
// the same machine: bob's sign need not check alice's 16,384 bin signatures again, finalize not
// every holder's, nor the unchanged bins it published last time. Each entry is the sha256 of
// scheme, public key, signature and the sha256 of the signed bytes, so it stands for exactly
// that check: other bytes, another key or another signature are checked in full. The file lives
// in the tool's cache folder, outside every ceremony repository; `verify` and `publish --check`
// never read it.

/** Entries kept (the most recent): a million-target ceremony leaves about 50,000. */
const MAX_KEPT = 200_000;
/** Largest file read: twice MAX_KEPT lines of 65 bytes (appends before a compaction), with room. */
const MAX_FILE_BYTES = 32 * 1024 * 1024;
const CHECK = /^[0-9a-f]{64}$/;

function checksFile(env: Readonly<Record<string, string | undefined>>): string {
  return join(toolCacheDir(env), 'checked-signatures.txt');
}

/** The record's text ('' when there is none), or undefined when it cannot be read. */
async function readChecksText(file: string): Promise<string | undefined> {
  try {
    const bytes = await readBounded(file, MAX_FILE_BYTES);
    return bytes === undefined ? '' : Buffer.from(bytes).toString('latin1');
  } catch {
    // A cache that cannot be read (or grew past its bound) is as good as none.
    return undefined;
  }
}

/** Lines the record held when this process loaded it (to know when to compact it). */
let linesAtLoad = 0;

/** Takes the checks earlier commands on this machine found valid as done in this process. */
export async function loadCheckedSignatures(
  env: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  const text = await readChecksText(checksFile(env));
  // An unreadable record is rewritten by the next save rather than appended to.
  linesAtLoad = text === undefined ? Number.MAX_SAFE_INTEGER : Math.ceil(text.length / 65);
  rememberValidChecks(text ?? '');
}

/**
 * Adds this process's new valid checks to the machine's record (skipped when there are none or
 * it cannot be written). They are appended, one line each: a line cut short by a crash, or two
 * commands' lines mixed, is not a check of 64 hex digits and is dropped when read. Once the
 * record would hold twice `maxKept` lines it is rewritten, atomically, with the most recent
 * `maxKept` (MAX_KEPT; smaller for tests).
 */
export async function saveCheckedSignatures(
  env: Readonly<Record<string, string | undefined>>,
  maxKept = MAX_KEPT,
): Promise<void> {
  const added = takeNewValidChecks();
  if (added.length === 0) return;
  const file = checksFile(env);
  try {
    if (linesAtLoad + added.length < 2 * Math.min(maxKept, MAX_KEPT)) {
      await mkdir(dirname(file), { recursive: true });
      // The leading newline ends a line a crash may have cut short, so it cannot swallow ours.
      await appendFile(file, `\n${added.join('\n')}\n`, { mode: 0o600 });
      linesAtLoad += added.length + 1;
      return;
    }
    const text = await readChecksText(file);
    const kept = new Set(text?.split('\n').filter((line) => CHECK.test(line)));
    for (const key of added) kept.add(key);
    const lines = [...kept].slice(-Math.min(maxKept, MAX_KEPT));
    await writeFileAtomic(file, `${lines.join('\n')}\n`, 0o600);
    linesAtLoad = lines.length;
  } catch {
    // Read-only or missing cache folder: the next command checks every signature itself.
  }
}
