import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CeremonyError } from '../metadata/errors.js';
import { isJsonObject } from '../metadata/json.js';
import { writeFileAtomic } from '../repo/atomic-write.js';
import { userFolder } from '../repo/user-folder.js';

/** Environment variable naming the folder of this machine's key references. */
export const KEY_REFS_ENV = 'TUF_CEREMONY_KEY_REFS';

const KEYID = /^[0-9a-f]{64}$/;

/**
 * Where this machine keeps its key references (keyid -> `file:PATH` or `pkcs11:URI`): holder-local,
 * outside every ceremony repository, so committed key records carry no local paths.
 * `$TUF_CEREMONY_KEY_REFS`, else `$XDG_CONFIG_HOME/tuf-ceremony/key-refs`, else
 * `~/.config/tuf-ceremony/key-refs`.
 */
export function keyRefsDir(env: Readonly<Record<string, string | undefined>>): string {
  return userFolder(env, {
    explicit: KEY_REFS_ENV,
    xdg: 'XDG_CONFIG_HOME',
    fallback: '.config',
    name: 'key-refs',
  });
}

function refFile(env: Readonly<Record<string, string | undefined>>, keyid: string): string {
  if (!KEYID.test(keyid)) throw new CeremonyError('STATE_INVALID', `keyid ${keyid} is not hex`);
  return join(keyRefsDir(env), `${keyid}.json`);
}

/** Records where this machine keeps the private key of `keyid` (one file per key, mode 0600). */
export async function saveLocalKeyRef(
  env: Readonly<Record<string, string | undefined>>,
  keyid: string,
  keyRef: string,
): Promise<string> {
  const file = refFile(env, keyid);
  await writeFileAtomic(file, `${JSON.stringify({ keyid, key_ref: keyRef }, null, 2)}\n`, 0o600);
  return file;
}

/** Where this machine keeps the private key of `keyid`, or undefined when it does not know. */
export async function loadLocalKeyRef(
  env: Readonly<Record<string, string | undefined>>,
  keyid: string,
): Promise<string | undefined> {
  const file = refFile(env, keyid);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return undefined;
    throw err;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CeremonyError('STATE_INVALID', `${file}: not valid JSON`);
  }
  if (!isJsonObject(value) || value.keyid !== keyid || typeof value.key_ref !== 'string') {
    throw new CeremonyError(
      'STATE_INVALID',
      `${file}: must be {"keyid": "${keyid}", "key_ref": "..."}`,
    );
  }
  return value.key_ref;
}
