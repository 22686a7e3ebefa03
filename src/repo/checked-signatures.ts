import { join } from 'node:path';
import { rememberValidChecks, validChecks } from '../metadata/signature-check.js';
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
/** Largest file read: MAX_KEPT lines of 65 bytes, with room. */
const MAX_FILE_BYTES = 32 * 1024 * 1024;

function checksFile(env: Readonly<Record<string, string | undefined>>): string {
  return join(toolCacheDir(env), 'checked-signatures.txt');
}

async function readChecks(file: string): Promise<string[]> {
  try {
    const bytes = await readBounded(file, MAX_FILE_BYTES);
    if (bytes === undefined) return [];
    return Buffer.from(bytes).toString('latin1').split('\n');
  } catch {
    // A cache that cannot be read is as good as none: every signature is checked.
    return [];
  }
}

/** Takes the checks earlier commands on this machine found valid as done in this process. */
export async function loadCheckedSignatures(
  env: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  rememberValidChecks(await readChecks(checksFile(env)));
}

/** Adds this process's valid checks to the machine's record (skipped when it cannot be written). */
export async function saveCheckedSignatures(
  env: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  const file = checksFile(env);
  const kept = new Set((await readChecks(file)).filter((line) => /^[0-9a-f]{64}$/.test(line)));
  const before = kept.size;
  for (const key of validChecks()) kept.add(key);
  if (kept.size === before) return;
  const lines = [...kept].slice(-MAX_KEPT);
  try {
    await writeFileAtomic(file, `${lines.join('\n')}\n`, 0o600);
  } catch {
    // Read-only or missing cache folder: the next command checks every signature itself.
  }
}
