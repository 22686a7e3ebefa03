import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  randomBytes,
  scrypt,
  type KeyObject,
} from 'node:crypto';
import { lstat, readFile } from 'node:fs/promises';
import { CeremonyError } from '../metadata/errors.js';
import { jsonNestingDepth, MAX_JSON_DEPTH } from '../metadata/json-depth.js';
import { writeFileAtomic } from '../repo/atomic-write.js';
import { passphraseWeakness } from './passphrase-policy.js';

// An encrypted software key file: scrypt derives a 256-bit key from the passphrase, AES-256-GCM
// encrypts the PKCS#8 DER of the private key. The header (format, KDF parameters, public key) is
// authenticated as GCM associated data, so neither can be swapped without the passphrase.

/** Format tag of version 1 key files. */
export const KEY_FILE_FORMAT = 'tuf-ceremony-key-v1';

/** scrypt cost of new key files: N=2^17, r=8, p=1 (OWASP password storage guidance, RFC 7914). */
export const SCRYPT_LOG2_N = 17;
/** The lowest cost a key file may record (read) or a test may ask for (write). */
export const MIN_SCRYPT_LOG2_N = 10;
const MIN_LOG2_N = MIN_SCRYPT_LOG2_N;
const MAX_LOG2_N = 20;
const R = 8;
const P = 1;
/** AES-GCM: a 96-bit IV and the full 128-bit authentication tag. */
const GCM_IV_BYTES = 12;
const GCM_TAG_BYTES = 16;

/** The JSON document stored on disk. */
export interface KeyFileDocument {
  format: typeof KEY_FILE_FORMAT;
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  cipher: { name: 'aes-256-gcm'; iv: string; tag: string };
  /** base64 of the encrypted PKCS#8 DER. */
  ciphertext: string;
  /** SPKI PEM of the public key (readable without the passphrase). */
  public_key: string;
  /** The TUF keyid of the enrolled key, when known at writing time. */
  keyid?: string;
}

/** Options of writeEncryptedKeyFile. */
export interface KeyFileWriteOptions {
  /** Recorded for the reader's convenience; not a secret. */
  keyid?: string;
  /**
   * log2 of the scrypt N, between 10 and 17 (default 17). Lower only for test suites; the file
   * records its N, so a weakened file is always visible.
   */
  scryptLog2N?: number;
}

function scryptKey(passphrase: string, salt: Buffer, n: number, r: number, p: number) {
  // The passphrase goes in as a Buffer that is wiped once the key is derived (a JS string
  // cannot be wiped; this keeps at least the derived copies short-lived).
  const secret = Buffer.from(passphrase.normalize('NFC'), 'utf8');
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(secret, salt, 32, { N: n, r, p, maxmem: 256 * n * r * p + 1024 * 1024 }, (err, key) => {
      secret.fill(0);
      if (err) reject(err);
      else resolve(key);
    });
  });
}

function associatedData(doc: Pick<KeyFileDocument, 'format' | 'kdf' | 'public_key'>): Buffer {
  const { N, r, p, salt } = doc.kdf;
  return Buffer.from([doc.format, 'scrypt', N, r, p, salt, doc.public_key].join('\n'), 'utf8');
}

function refuseEmpty(passphrase: string, file: string): void {
  if (passphrase.length === 0) {
    throw new CeremonyError('SECRET_INVALID', `${file}: an empty passphrase is not allowed`);
  }
}

/** Encrypts a private key under a passphrase into a new file (mode 0600); never overwrites. */
export async function writeEncryptedKeyFile(
  path: string,
  privateKey: KeyObject,
  passphrase: string,
  options: KeyFileWriteOptions = {},
): Promise<void> {
  refuseEmpty(passphrase, path);
  if (privateKey.type !== 'private') {
    throw new CeremonyError('KEY_UNSUPPORTED', `${path}: only a private key can be stored`);
  }
  const exists = await lstat(path).then(
    () => true,
    (err: unknown) => {
      if ((err as { code?: string }).code === 'ENOENT') return false;
      throw err;
    },
  );
  if (exists) throw new CeremonyError('IO', `${path}: already exists; refusing to overwrite it`);
  const weakness = passphraseWeakness(passphrase);
  if (weakness !== undefined) throw new CeremonyError('SECRET_INVALID', `${path}: ${weakness}`);
  const log2n = options.scryptLog2N ?? SCRYPT_LOG2_N;
  if (!Number.isInteger(log2n) || log2n < MIN_SCRYPT_LOG2_N || log2n > SCRYPT_LOG2_N) {
    throw new CeremonyError(
      'USAGE',
      `scrypt cost 2^${log2n}: must be between 2^${MIN_SCRYPT_LOG2_N} and 2^${SCRYPT_LOG2_N}`,
    );
  }
  const n = 2 ** log2n;
  const salt = randomBytes(16);
  const iv = randomBytes(GCM_IV_BYTES);
  const header: Pick<KeyFileDocument, 'format' | 'kdf' | 'public_key'> = {
    format: KEY_FILE_FORMAT,
    kdf: { name: 'scrypt', N: n, r: R, p: P, salt: salt.toString('base64') },
    public_key: createPublicKey(privateKey).export({ format: 'pem', type: 'spki' }).toString(),
  };
  const key = await scryptKey(passphrase, salt, n, R, P);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: GCM_TAG_BYTES });
  cipher.setAAD(associatedData(header));
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  const ciphertext = Buffer.concat([cipher.update(der), cipher.final()]);
  der.fill(0);
  key.fill(0);
  const doc: KeyFileDocument = {
    format: header.format,
    kdf: header.kdf,
    cipher: {
      name: 'aes-256-gcm',
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
    },
    ciphertext: ciphertext.toString('base64'),
    public_key: header.public_key,
    ...(options.keyid === undefined ? {} : { keyid: options.keyid }),
  };
  await writeFileAtomic(path, `${JSON.stringify(doc, null, 2)}\n`, 0o600);
}

function damaged(file: string, why: string): CeremonyError {
  return new CeremonyError('SECRET_INVALID', `${file}: not a tuf-ceremony key file (${why})`);
}

function str(v: unknown, file: string, field: string): string {
  if (typeof v !== 'string' || v === '') throw damaged(file, `${field} missing`);
  return v;
}

/** A base64 field that must decode to exactly `bytes` bytes. */
function sized(v: unknown, file: string, field: string, bytes: number): string {
  const text = str(v, file, field);
  if (Buffer.from(text, 'base64').length !== bytes)
    throw damaged(file, `${field} must be ${bytes} bytes`);
  return text;
}

function int(v: unknown, file: string, field: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw damaged(file, `${field} out of range`);
  }
  return v;
}

/** Reads and checks the structure of a key file without decrypting it. */
export async function readKeyFileDocument(path: string): Promise<KeyFileDocument> {
  let parsed: unknown;
  try {
    const text = await readFile(path, 'utf8');
    if (jsonNestingDepth(text) > MAX_JSON_DEPTH) throw new SyntaxError('nested too deep');
    parsed = JSON.parse(text);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') {
      throw new CeremonyError('FILE_MISSING', `${path}: no such key file`);
    }
    if (err instanceof SyntaxError) throw damaged(path, 'not JSON');
    throw err;
  }
  const d = parsed as Partial<Record<keyof KeyFileDocument, Record<string, unknown>>>;
  if ((parsed as { format?: unknown }).format !== KEY_FILE_FORMAT)
    throw damaged(path, 'unknown format');
  const kdf = d.kdf ?? {};
  const cipher = d.cipher ?? {};
  if (kdf.name !== 'scrypt' || cipher.name !== 'aes-256-gcm') {
    throw damaged(path, 'unknown KDF or cipher');
  }
  const n = int(kdf.N, path, 'kdf.N', 2 ** MIN_LOG2_N, 2 ** MAX_LOG2_N);
  if ((n & (n - 1)) !== 0) throw damaged(path, 'kdf.N is not a power of two');
  const keyid = (parsed as { keyid?: unknown }).keyid;
  return {
    format: KEY_FILE_FORMAT,
    kdf: {
      name: 'scrypt',
      N: n,
      r: int(kdf.r, path, 'kdf.r', 1, 32),
      p: int(kdf.p, path, 'kdf.p', 1, 16),
      salt: str(kdf.salt, path, 'kdf.salt'),
    },
    cipher: {
      name: 'aes-256-gcm',
      iv: sized(cipher.iv, path, 'cipher.iv', GCM_IV_BYTES),
      tag: sized(cipher.tag, path, 'cipher.tag', GCM_TAG_BYTES),
    },
    ciphertext: str((parsed as { ciphertext?: unknown }).ciphertext, path, 'ciphertext'),
    public_key: str((parsed as { public_key?: unknown }).public_key, path, 'public_key'),
    ...(typeof keyid === 'string' ? { keyid } : {}),
  };
}

/** The public key stored in a key file (no passphrase needed). */
export async function readKeyFilePublicKey(path: string): Promise<KeyObject> {
  const doc = await readKeyFileDocument(path);
  try {
    return createPublicKey(doc.public_key);
  } catch {
    throw damaged(path, 'public_key unreadable');
  }
}

/** Decrypts a key file; SECRET_INVALID on a wrong passphrase or a damaged file. */
export async function readEncryptedKeyFile(path: string, passphrase: string): Promise<KeyObject> {
  refuseEmpty(passphrase, path);
  const doc = await readKeyFileDocument(path);
  const { N, r, p } = doc.kdf;
  const key = await scryptKey(passphrase, Buffer.from(doc.kdf.salt, 'base64'), N, r, p);
  let der: Buffer;
  const parts: Buffer[] = [];
  try {
    // NIST SP 800-38D: only the full 128-bit tag; a shorter one would weaken the integrity check.
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(doc.cipher.iv, 'base64'), {
      authTagLength: GCM_TAG_BYTES,
    });
    decipher.setAAD(associatedData(doc));
    decipher.setAuthTag(Buffer.from(doc.cipher.tag, 'base64'));
    parts.push(decipher.update(Buffer.from(doc.ciphertext, 'base64')));
    parts.push(decipher.final());
    der = Buffer.concat(parts);
  } catch {
    throw new CeremonyError('SECRET_INVALID', `${path}: wrong passphrase (or the file is damaged)`);
  } finally {
    key.fill(0);
    // Every plaintext copy of the private key is wiped after use.
    for (const part of parts) part.fill(0);
  }
  try {
    const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    const stored = createPublicKey(doc.public_key).export({ format: 'der', type: 'spki' });
    const actual = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
    if (!stored.equals(actual)) throw damaged(path, 'public_key does not match the private key');
    return privateKey;
  } catch (err) {
    if (err instanceof CeremonyError) throw err;
    throw damaged(path, 'private key unreadable');
  } finally {
    der.fill(0);
  }
}
