import { canonicalString } from '../metadata/canonical.js';
import { sha256Hex } from '../metadata/bytes.js';
import { CeremonyError, type ErrorCode } from '../metadata/errors.js';
import { decodeUtf8, encodeUtf8, isJsonObject, type JsonObject } from '../metadata/json.js';
import { computeKeyid, keyFingerprint, publicKeyHandle } from '../metadata/keys.js';
import type { AnySigned, Key } from '../metadata/model.js';
import { checkMetadata, type RoleType } from '../metadata/parse.js';
import { printable } from '../metadata/printable.js';
import {
  OFFLINE_FORMAT_VERSION,
  REQUEST_FORMAT,
  RESPONSE_FORMAT,
  type RequestKey,
  type RequestRole,
  type ResponseSignature,
  type SigningRequest,
  type SigningResponse,
} from './offline-format.js';
import { reviewDraft } from './review.js';
import type { StagedDraft } from './staging.js';
import { ACTOR_NAME } from './transcript.js';

// Reading signing requests and responses: every field checked, every error one line naming the
// file and the field. A request is untrusted input on the offline machine: its bytes must hash to
// its sha256, be the canonical form of a well-formed role, and its review must be the one the
// bytes give; expected keys must carry compliant keyids (spec 4.2).

/** Most roles one request or response may carry (bounded by design). */
export const MAX_OFFLINE_ROLES = 1024;
const HEX64 = /^[0-9a-f]{64}$/;
const HEX = /^(?:[0-9a-f]{2})+$/;
// eslint-disable-next-line no-control-regex -- raw control characters are what is matched
const CONTROL = /[\u0000-\u001f]/g;

function escapeControl(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

class Fields {
  constructor(readonly file: string) {}
  fail(path: string, rule: string, code: ErrorCode = 'METADATA_INVALID'): never {
    throw new CeremonyError(code, `${this.file}: ${path}: ${rule}`);
  }
  obj(v: unknown, path: string): JsonObject {
    return isJsonObject(v) ? v : this.fail(path, 'must be an object');
  }
  str(v: unknown, path: string, pattern?: RegExp): string {
    if (typeof v !== 'string') return this.fail(path, 'must be a string');
    if (pattern && !pattern.test(v)) this.fail(path, `must match ${String(pattern)}`);
    return v;
  }
  int(v: unknown, path: string, min: number): number {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min)
      this.fail(path, `must be an integer >= ${min}`);
    return v;
  }
  list(v: unknown, path: string): unknown[] {
    if (!Array.isArray(v) || v.length === 0) this.fail(path, 'must be a non-empty list');
    if (v.length > MAX_OFFLINE_ROLES) this.fail(path, `must list at most ${MAX_OFFLINE_ROLES}`);
    return v;
  }
  strings(v: unknown, path: string): string[] {
    if (!Array.isArray(v)) return this.fail(path, 'must be a list of strings');
    return v.map((s, i) => this.str(s, `${path}[${i}]`));
  }
  /** Parses JSON; a file that fails to parse is never quoted. */
  json(bytes: Uint8Array, path: string, olpc = false): unknown {
    try {
      const text = decodeUtf8(bytes);
      // OLPC canonical JSON writes control characters raw inside strings (PEM newlines), which
      // JSON.parse refuses: escape them first. The caller re-canonicalizes and compares bytes.
      return JSON.parse(olpc ? text.replace(CONTROL, escapeControl) : text) as unknown;
    } catch {
      return this.fail(path, 'not valid UTF-8 JSON (damaged or cut short)');
    }
  }
  header(v: unknown, format: string): JsonObject {
    const o = this.obj(v, '(top level)');
    if (o.format !== format) this.fail('format', `must be "${format}"`);
    if (o.version !== OFFLINE_FORMAT_VERSION)
      this.fail('version', `must be ${OFFLINE_FORMAT_VERSION} (the version this tool reads)`);
    return o;
  }
}

function typeOfRole(role: string): RoleType {
  return role === 'root' || role === 'snapshot' || role === 'timestamp' ? role : 'targets';
}

function checkKey(f: Fields, v: unknown, path: string): RequestKey {
  const o = f.obj(v, path);
  const keyid = f.str(o.keyid, `${path}.keyid`, HEX64);
  const key = f.obj(o.key, `${path}.key`) as unknown as Key;
  try {
    publicKeyHandle(key);
  } catch (err) {
    f.fail(`${path}.key`, (err as Error).message, 'KEY_UNSUPPORTED');
  }
  // spec 4.2: the keyid is the sha256 of the canonical key object; a swapped key changes it.
  if (computeKeyid(key) !== keyid)
    f.fail(`${path}.keyid`, 'is not the sha256 of the canonical key', 'KEYID_MISMATCH');
  const fingerprint = f.str(o.fingerprint, `${path}.fingerprint`);
  if (fingerprint !== keyFingerprint(key))
    f.fail(`${path}.fingerprint`, 'is not the fingerprint of the key', 'KEY_MISMATCH');
  return { keyid, key, fingerprint, counts_for: f.strings(o.counts_for, `${path}.counts_for`) };
}

function checkSigned(f: Fields, value: unknown, type: RoleType, path: string): AnySigned {
  const file = `${f.file}: ${path}`;
  return checkMetadata({ signed: value, signatures: [] }, type, file).signed;
}

function checkRole(f: Fields, v: unknown, path: string): { role: RequestRole; draft: StagedDraft } {
  const o = f.obj(v, path);
  const role = f.str(o.role, `${path}.role`);
  const at = `${path} (${printable(role)})`;
  const text = f.str(o.canonical_signed, `${at}.canonical_signed`);
  const sha256 = f.str(o.sha256, `${at}.sha256`, HEX64);
  const canonical = encodeUtf8(text);
  const actual = sha256Hex(canonical);
  if (actual !== sha256)
    f.fail(
      `${at}.canonical_signed`,
      `the bytes have sha256 ${actual}, not ${sha256}`,
      'HASH_MISMATCH',
    );
  if (f.int(o.length, `${at}.length`, 1) !== canonical.length)
    f.fail(`${at}.length`, `the bytes are ${canonical.length} long`, 'LENGTH_MISMATCH');
  const parsed = f.json(canonical, `${at}.canonical_signed`, true);
  const type = typeOfRole(role);
  const signed = checkSigned(f, parsed, type, `${at}.canonical_signed`);
  if (canonicalString(signed) !== text)
    f.fail(`${at}.canonical_signed`, 'is not in OLPC canonical JSON form', 'CANONICAL_JSON');
  const version = f.int(o.version, `${at}.version`, 1);
  if (signed.version !== version) f.fail(`${at}.version`, `the bytes say ${signed.version}`);
  const published =
    o.published === null ? undefined : checkSigned(f, o.published, type, `${at}.published`);
  const draft: StagedDraft = {
    role,
    metadata: { signed, signatures: [] },
    canonical,
    sha256,
  };
  const review = f.strings(o.review, `${at}.review`);
  // The review must be the one these bytes give: a doctored review cannot hide a change.
  if (canonicalString(review) !== canonicalString(reviewDraft(draft, published)))
    f.fail(`${at}.review`, 'does not describe the bytes to sign');
  const keys = f.list(o.keys, `${at}.keys`).map((k, i) => checkKey(f, k, `${at}.keys[${i}]`));
  return {
    role: {
      role,
      version,
      canonical_signed: text,
      sha256,
      length: canonical.length,
      published: published ?? null,
      review,
      keys,
    },
    draft,
  };
}

/** A request checked field by field, with each role's bytes as a draft ready to sign. */
export interface CheckedRequest {
  request: SigningRequest;
  drafts: StagedDraft[];
}

/** Parses and checks a signing request (bytes of the file). */
export function parseSigningRequest(bytes: Uint8Array, file: string): CheckedRequest {
  const f = new Fields(file);
  const o = f.header(f.json(bytes, '(top level)'), REQUEST_FORMAT);
  const base = f.obj(o.base, 'base');
  for (const [role, v] of Object.entries(base)) f.int(v, `base.${role}`, 0);
  const checked = f.list(o.roles, 'roles').map((r, i) => checkRole(f, r, `roles[${i}]`));
  const names = checked.map((c) => c.role.role);
  if (new Set(names).size !== names.length) f.fail('roles', 'must not repeat a role');
  return {
    request: {
      format: REQUEST_FORMAT,
      version: OFFLINE_FORMAT_VERSION,
      trust_root: f.str(o.trust_root, 'trust_root'),
      ceremony: f.str(o.ceremony, 'ceremony'),
      holder: f.str(o.holder, 'holder', ACTOR_NAME),
      published_root_version: f.int(o.published_root_version, 'published_root_version', 0),
      base: base as Record<string, number>,
      roles: checked.map((c) => c.role),
    },
    drafts: checked.map((c) => c.draft),
  };
}

function checkSignature(f: Fields, v: unknown, path: string): ResponseSignature {
  const o = f.obj(v, path);
  return {
    role: f.str(o.role, `${path}.role`),
    version: f.int(o.version, `${path}.version`, 1),
    signed_sha256: f.str(o.signed_sha256, `${path}.signed_sha256`, HEX64),
    keyid: f.str(o.keyid, `${path}.keyid`, HEX64),
    sig: f.str(o.sig, `${path}.sig`, HEX),
  };
}

/** Parses and checks the shape of a signing response (signatures are verified on import). */
export function parseSigningResponse(bytes: Uint8Array, file: string): SigningResponse {
  const f = new Fields(file);
  const o = f.header(f.json(bytes, '(top level)'), RESPONSE_FORMAT);
  return {
    format: RESPONSE_FORMAT,
    version: OFFLINE_FORMAT_VERSION,
    ceremony: f.str(o.ceremony, 'ceremony'),
    holder: f.str(o.holder, 'holder', ACTOR_NAME),
    request_sha256: f.str(o.request_sha256, 'request_sha256', HEX64),
    signatures: f
      .list(o.signatures, 'signatures')
      .map((s, i) => checkSignature(f, s, `signatures[${i}]`)),
  };
}
