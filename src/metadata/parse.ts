import { CeremonyError } from './errors.js';
import { decodeUtf8, isJsonObject } from './json.js';
import { isSortedPlainJson } from './build-sorted.js';
import { HexBatch } from './hex-batch.js';
import { scanMetadataBytes } from './canonical-scan.js';
import {
  MAX_JSON_DEPTH,
  parseJsonBounded,
  parseScannedJson,
  refuseScanned,
  type EntryLimit,
} from './json-depth.js';
import type {
  AnySigned,
  Delegations,
  Key,
  MetaFile,
  Metadata,
  RoleKeys,
  RootSigned,
  SnapshotSigned,
  TargetsSigned,
  TimestampSigned,
} from './model.js';
import { describeUntrusted, pathStep, quoteUntrusted } from './terminal-text.js';
import { parseTime } from './time.js';

// Shape checks for metadata read from disk or the network (spec section 4). Linear in the size
// of the file. Every error names the file and the JSON path of the offending field.

type Obj = Record<string, unknown>;

class Checker {
  /** `proven`: receives the parts found sorted plain JSON on the way (ProvenSorted). */
  constructor(
    readonly file: string,
    readonly proven?: Set<object>,
  ) {}

  fail(path: string, rule: string): never {
    throw new CeremonyError('METADATA_INVALID', `${this.file}: ${path}: ${rule}`);
  }
  obj(value: unknown, path: string): Obj {
    if (!isJsonObject(value)) this.fail(path, 'must be an object');
    return value;
  }
  str(value: unknown, path: string): string {
    if (typeof value !== 'string') this.fail(path, 'must be a string');
    return value;
  }
  int(value: unknown, path: string, min = 0): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
      this.fail(path, `must be an integer >= ${min}`);
    }
    return value;
  }
  bool(value: unknown, path: string): boolean {
    if (typeof value !== 'boolean') this.fail(path, 'must be true or false');
    return value;
  }
  strArray(value: unknown, path: string): string[] {
    if (!Array.isArray(value)) this.fail(path, 'must be an array of strings');
    for (let i = 0; i < value.length; i++) this.str(value[i], `${path}[${i}]`);
    return value as string[];
  }
  hashes(value: unknown, path: string): Record<string, string> {
    const o = this.obj(value, path);
    const names = Object.keys(o);
    if (names.length === 0) this.fail(path, 'must list at least one hash');
    for (const name of names) {
      const at = `${path}${pathStep(name)}`;
      if (!/^[0-9a-fA-F]+$/.test(this.str(o[name], at))) this.fail(at, 'must be hex');
    }
    return o as Record<string, string>;
  }
  key(value: unknown, path: string): Key {
    const o = this.obj(value, path);
    this.str(o.keytype, `${path}.keytype`);
    this.str(o.scheme, `${path}.scheme`);
    const keyval = this.obj(o.keyval, `${path}.keyval`);
    this.str(keyval.public, `${path}.keyval.public`);
    return o as unknown as Key;
  }
  keys(value: unknown, path: string): Record<string, Key> {
    const o = this.obj(value, path);
    for (const keyid of Object.keys(o)) this.key(o[keyid], `${path}${pathStep(keyid)}`);
    return o as Record<string, Key>;
  }
  roleKeys(o: Obj, path: string): RoleKeys {
    const keyids = this.strArray(o.keyids, `${path}.keyids`);
    if (new Set(keyids).size !== keyids.length)
      this.fail(`${path}.keyids`, 'must not repeat a keyid');
    this.int(o.threshold, `${path}.threshold`, 1);
    return o as unknown as RoleKeys;
  }
  meta(value: unknown, path: string): MetaFile {
    const o = this.obj(value, path);
    this.int(o.version, `${path}.version`, 1);
    if (o.length !== undefined) this.int(o.length, `${path}.length`);
    if (o.hashes !== undefined) this.hashes(o.hashes, `${path}.hashes`);
    return o as unknown as MetaFile;
  }
}

function common(c: Checker, signed: Obj, type: string): void {
  if (signed._type !== type)
    c.fail('signed._type', `must be "${type}", found ${describeUntrusted(signed._type)}`);
  const spec = c.str(signed.spec_version, 'signed.spec_version');
  // spec 5.x: a client must refuse metadata of an incompatible major spec version.
  if (spec.split('.')[0] !== '1')
    c.fail('signed.spec_version', `major version of ${quoteUntrusted(spec)} is not 1`);
  c.int(signed.version, 'signed.version', 1);
  parseTime(c.str(signed.expires, 'signed.expires'), `${c.file}: signed.expires`);
}

function checkRoot(c: Checker, s: Obj): RootSigned {
  common(c, s, 'root');
  if (s.consistent_snapshot !== undefined)
    c.bool(s.consistent_snapshot, 'signed.consistent_snapshot');
  const keys = c.keys(s.keys, 'signed.keys');
  const roles = c.obj(s.roles, 'signed.roles');
  for (const name of ['root', 'targets', 'snapshot', 'timestamp']) {
    if (roles[name] === undefined) c.fail(`signed.roles.${name}`, 'is missing');
  }
  for (const name of Object.keys(roles)) {
    const at = `signed.roles${pathStep(name)}`;
    const rk = c.roleKeys(c.obj(roles[name], at), at);
    for (const keyid of rk.keyids) {
      if (!Object.hasOwn(keys, keyid))
        c.fail(`${at}.keyids`, `keyid ${quoteUntrusted(keyid)} is not in signed.keys`);
    }
  }
  return s as unknown as RootSigned;
}

function checkDelegations(c: Checker, value: unknown): Delegations {
  const d = c.obj(value, 'signed.delegations');
  const keys = c.keys(d.keys, 'signed.delegations.keys');
  if (d.roles !== undefined && d.succinct_roles !== undefined) {
    c.fail('signed.delegations', 'must not have both roles and succinct_roles (TAP 15)');
  }
  const checkKeyids = (rk: RoleKeys, path: string): void => {
    for (const keyid of rk.keyids)
      if (!Object.hasOwn(keys, keyid))
        c.fail(`${path}.keyids`, `keyid ${quoteUntrusted(keyid)} is not in delegations.keys`);
  };
  if (d.roles !== undefined) {
    if (!Array.isArray(d.roles)) c.fail('signed.delegations.roles', 'must be an array');
    const names = new Set<string>();
    d.roles.forEach((value: unknown, i: number) => {
      const path = `signed.delegations.roles[${i}]`;
      const r = c.obj(value, path);
      const name = c.str(r.name, `${path}.name`);
      if (names.has(name))
        c.fail(`${path}.name`, `role ${quoteUntrusted(name)} is delegated twice`);
      names.add(name);
      checkKeyids(c.roleKeys(r, path), path);
      c.bool(r.terminating, `${path}.terminating`);
      const hasPaths = r.paths !== undefined;
      const hasPrefixes = r.path_hash_prefixes !== undefined;
      if (hasPaths === hasPrefixes)
        c.fail(path, 'must have exactly one of paths and path_hash_prefixes');
      if (hasPaths) c.strArray(r.paths, `${path}.paths`);
      if (hasPrefixes) c.strArray(r.path_hash_prefixes, `${path}.path_hash_prefixes`);
    });
  }
  if (d.succinct_roles !== undefined) {
    const path = 'signed.delegations.succinct_roles';
    const s = c.obj(d.succinct_roles, path);
    checkKeyids(c.roleKeys(s, path), path);
    const bits = c.int(s.bit_length, `${path}.bit_length`, 1);
    if (bits > 32) c.fail(`${path}.bit_length`, 'must be between 1 and 32');
    c.str(s.name_prefix, `${path}.name_prefix`);
    return d as unknown as Delegations;
  }
  return d as unknown as Delegations;
}

/** A key isSortedPlainJson accepts in order after `previous` (none starts with a digit). */
function keyInOrder(previous: string | undefined, key: string): boolean {
  const first = key.charCodeAt(0);
  return (previous === undefined || previous < key) && !(first >= 48 && first <= 57);
}

/**
 * isSortedPlainJson of one target entry under `path`, without a separate walk for the usual
 * members: `hashes` (a map of strings) and `length` (a safe integer) are checked here directly.
 */
function sortedPlainTarget(path: string, entry: unknown): boolean {
  if (!keyInOrder(undefined, path) || !isJsonObject(entry)) return false;
  if (Object.getPrototypeOf(entry) !== Object.prototype) return false;
  let previous: string | undefined;
  for (const key in entry) {
    if (!keyInOrder(previous, key)) return false;
    previous = key;
    const value = entry[key];
    if (key === 'length') {
      if (!Number.isSafeInteger(value)) return false;
    } else if (key === 'hashes') {
      if (!sortedStringMap(value)) return false;
    } else if (!isSortedPlainJson(value)) return false;
  }
  return true;
}

/** isSortedPlainJson of a map whose values are all strings. */
function sortedStringMap(value: unknown): boolean {
  if (!isJsonObject(value) || Object.getPrototypeOf(value) !== Object.prototype) return false;
  let previous: string | undefined;
  for (const key in value) {
    if (!keyInOrder(previous, key) || typeof value[key] !== 'string') return false;
    previous = key;
  }
  return true;
}

function checkTargets(c: Checker, s: Obj): TargetsSigned {
  common(c, s, 'targets');
  const targets = c.obj(s.targets, 'signed.targets');
  // Hot loop (100,000 targets and more): check first, build the JSON path only to report. The
  // digests are tested for hex in batches (HexBatch); a batch not proved hex, or any other
  // failure, first checks the targets of the open batch one by one, so the error names the first
  // bad target in file order.
  const batch = new HexBatch();
  const open: string[] = [];
  const at = (path: string): string => `signed.targets${pathStep(path)}`;
  const checkOpen = (): void => {
    for (const path of open) c.hashes((targets[path] as Obj).hashes, `${at(path)}.hashes`);
  };
  const checkBatch = (): void => {
    if (!batch.provedHex()) checkOpen();
  };
  // Whether the map is sorted plain JSON (isSortedPlainJson), found on this walk so that
  // canonicalization right after need not walk it again.
  let sorted = c.proven !== undefined && Object.getPrototypeOf(targets) === Object.prototype;
  let previous: string | undefined;
  for (const path in targets) {
    const t = targets[path];
    if (sorted) {
      sorted = (previous === undefined || previous < path) && sortedPlainTarget(path, t);
      previous = path;
    }
    if (!isJsonObject(t)) {
      checkOpen();
      c.fail(at(path), 'must be an object');
    }
    const length = t.length;
    if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) {
      checkOpen();
      c.int(length, `${at(path)}.length`);
    }
    if (!batch.addDigests(t.hashes)) {
      checkOpen();
      c.hashes(t.hashes, `${at(path)}.hashes`);
    }
    open.push(path);
    if (batch.full()) {
      checkBatch();
      open.length = 0;
    }
  }
  checkBatch();
  if (sorted) c.proven?.add(targets);
  if (s.delegations !== undefined) checkDelegations(c, s.delegations);
  return s as unknown as TargetsSigned;
}

const HEX = /^[0-9a-fA-F]+$/;

/** What Checker.meta accepts (a version >= 1, length >= 0, hex hashes), without naming a path. */
function isWellFormedMeta(value: unknown): boolean {
  if (!isJsonObject(value)) return false;
  const { version, length, hashes } = value;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) return false;
  if (
    length !== undefined &&
    (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0)
  )
    return false;
  if (hashes === undefined) return true;
  if (!isJsonObject(hashes)) return false;
  let count = 0;
  for (const name in hashes) {
    const digest = hashes[name];
    if (typeof digest !== 'string' || !HEX.test(digest)) return false;
    count++;
  }
  return count > 0;
}

function checkMetaRole<T extends SnapshotSigned | TimestampSigned>(
  c: Checker,
  s: Obj,
  type: T['_type'],
): T {
  common(c, s, type);
  const meta = c.obj(s.meta, 'signed.meta');
  // 16,384 entries in a bins repository: the path of an entry is spelled out only to name a
  // fault, which the full check then finds.
  for (const name of Object.keys(meta))
    if (!isWellFormedMeta(meta[name])) c.meta(meta[name], `signed.meta${pathStep(name)}`);
  if (type === 'timestamp' && meta['snapshot.json'] === undefined)
    c.fail('signed.meta', 'must list snapshot.json');
  return s as unknown as T;
}

/** Most signatures one metadata file may carry (far above any threshold of holders). */
export const MAX_SIGNATURES = 1024;

const SIGNATURE_RULE = 'a mirror can pad a file with signatures under unknown keyids';

/** The cap on signatures, checked by the pre-scan of the text before JSON.parse builds them. */
const SIGNATURE_LIMIT: EntryLimit = {
  key: 'signatures',
  max: MAX_SIGNATURES,
  reason: SIGNATURE_RULE,
};

/** Role type names a file can hold. */
export type RoleType = AnySigned['_type'];

const CHECKS: { [K in RoleType]: (c: Checker, s: Obj) => Extract<AnySigned, { _type: K }> } = {
  root: checkRoot,
  targets: checkTargets,
  snapshot: (c, s) => checkMetaRole<SnapshotSigned>(c, s, 'snapshot'),
  timestamp: (c, s) => checkMetaRole<TimestampSigned>(c, s, 'timestamp'),
};

/** Parses UTF-8 JSON bytes (optionally capping one top-level array); the shape is checked separately. */
export function parseJson(bytes: Uint8Array, file: string, entryLimit?: EntryLimit): unknown {
  return parseJsonBounded(decodeFile(bytes, file), file, entryLimit);
}

function decodeFile(bytes: Uint8Array, file: string): string {
  try {
    return decodeUtf8(bytes);
  } catch {
    throw new CeremonyError('METADATA_INVALID', `${file}: not valid UTF-8`);
  }
}

/** Checks a parsed envelope of the expected type; returns it typed, unknown fields intact. */
export function checkMetadata<K extends RoleType>(
  value: unknown,
  type: K,
  file: string,
  proven?: Set<object>,
): Metadata<Extract<AnySigned, { _type: K }>> {
  const c: Checker = new Checker(file, proven);
  const env = c.obj(value, '(top level)');
  const signatures = env.signatures;
  if (!Array.isArray(signatures)) c.fail('signatures', 'must be an array');
  // A mirror can pad a file with signatures under unknown keyids (spec 5: they are ignored);
  // refuse more than any threshold needs before anything is done per signature.
  if (signatures.length > MAX_SIGNATURES) {
    c.fail(
      'signatures',
      `${signatures.length} entries, more than the limit of ${MAX_SIGNATURES} (${SIGNATURE_RULE})`,
    );
  }
  signatures.forEach((sig: unknown, i: number) => {
    const o = c.obj(sig, `signatures[${i}]`);
    c.str(o.keyid, `signatures[${i}].keyid`);
    c.str(o.sig, `signatures[${i}].sig`);
  });
  const signed = c.obj(env.signed, 'signed');
  CHECKS[type](c, signed);
  return env as unknown as Metadata<Extract<AnySigned, { _type: K }>>;
}

/**
 * Parses metadata bytes of the expected role type. `proven` receives the parts found sorted plain
 * JSON while checking, for canonicalBytes right after (ProvenSorted: never kept).
 */
export function parseMetadata<K extends RoleType>(
  bytes: Uint8Array,
  type: K,
  file: string,
  proven?: Set<object>,
): Metadata<Extract<AnySigned, { _type: K }>> {
  return checkMetadata(parseJson(bytes, file, SIGNATURE_LIMIT), type, file, proven);
}

/** Parsed metadata and, when the file's text gives them, the canonical bytes of its `signed`. */
export interface MetadataWithCanonical<K extends RoleType> {
  metadata: Metadata<Extract<AnySigned, { _type: K }>>;
  /** Taken from the file's text (canonical-scan.ts); undefined: canonicalize `signed`. */
  canonical: Uint8Array | undefined;
}

/** A metadata file's JSON and, when its text gives them, the canonical bytes of its `signed`. */
export interface JsonWithCanonical {
  value: unknown;
  /** Taken from the file's text (canonical-scan.ts); undefined: canonicalize `signed`. */
  canonical: Uint8Array | undefined;
  /** With `canonical`: the bytes are prettyJson's text of `value` (MetadataScan.laidOut). */
  laidOut: boolean;
}

/**
 * parseJson of a metadata envelope (signatures capped) whose pre-scan of the bytes also takes the
 * canonical bytes of `signed` from the text when it is canonical but for whitespace.
 */
export function parseJsonCanonical(bytes: Uint8Array, file: string): JsonWithCanonical {
  const text = decodeFile(bytes, file);
  const scan = scanMetadataBytes(bytes, text, MAX_JSON_DEPTH);
  refuseScanned(scan, file, SIGNATURE_LIMIT);
  return {
    value: parseScannedJson(text, file),
    canonical: scan.signedCanonical,
    laidOut: scan.laidOut,
  };
}

/** parseMetadata for a caller that checks signatures, with parseJsonCanonical's bytes. */
export function parseMetadataCanonical<K extends RoleType>(
  bytes: Uint8Array,
  type: K,
  file: string,
  proven?: Set<object>,
): MetadataWithCanonical<K> {
  const { value, canonical } = parseJsonCanonical(bytes, file);
  // Parts proven sorted serve only a canonicalization of the parsed value, needed without bytes.
  const metadata = checkMetadata(value, type, file, canonical ? undefined : proven);
  return { metadata, canonical };
}
