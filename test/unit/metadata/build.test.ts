import { describe, expect, it } from 'vitest';
import {
  addDelegation,
  addRoleKey,
  addTarget,
  addTargets,
  buildBinRoles,
  bumpVersion,
  newRoot,
  newSnapshot,
  newTargets,
  newTimestamp,
  removeDelegation,
  removeRoleKey,
  removeTargets,
  serializeRole,
  setExpiry,
  setRoleKeys,
  setRoleThreshold,
  setSuccinctDelegation,
  snapshotMeta,
  targetFileFor,
  timestampMeta,
  updateSnapshotMeta,
  updateTimestampMeta,
} from '../../../src/metadata/build.js';
import { binForPath } from '../../../src/metadata/delegation.js';
import { computeKeyid } from '../../../src/metadata/keys.js';
import { SPEC_VERSION, type Key, type TargetsSigned } from '../../../src/metadata/model.js';
import { parseMetadata } from '../../../src/metadata/parse.js';
import { serializeMetadata } from '../../../src/metadata/serialize.js';
import { sha256Hex } from '../../../src/metadata/bytes.js';

const EXPIRES = Date.UTC(2030, 0, 2, 3, 4, 5, 678);
const THRESHOLDS = { root: 2, targets: 1, snapshot: 1, timestamp: 1 };
const key = (n: number): Key => ({
  keytype: 'ed25519',
  scheme: 'ed25519',
  keyval: { public: n.toString(16).padStart(64, '0') },
});

describe('initial roles', () => {
  it('creates a root with explicit thresholds, spec version and a second-precision expiry', () => {
    const root = newRoot({ expires: EXPIRES, thresholds: THRESHOLDS });
    expect(root).toEqual({
      _type: 'root',
      spec_version: SPEC_VERSION,
      version: 1,
      expires: '2030-01-02T03:04:05Z',
      consistent_snapshot: true,
      keys: {},
      roles: {
        root: { keyids: [], threshold: 2 },
        snapshot: { keyids: [], threshold: 1 },
        targets: { keyids: [], threshold: 1 },
        timestamp: { keyids: [], threshold: 1 },
      },
    });
    expect(() => newRoot({ expires: EXPIRES, thresholds: { ...THRESHOLDS, root: 0 } })).toThrow(
      /root threshold must be an integer >= 1/,
    );
  });

  it('creates targets, snapshot and timestamp roles that parse', () => {
    const t = newTargets({ expires: EXPIRES, version: 3 });
    expect(t).toMatchObject({ _type: 'targets', version: 3, targets: {} });
    const snap = newSnapshot({ expires: EXPIRES, meta: { 'targets.json': { version: 3 } } });
    const file = serializeRole('snapshot', { signed: snap, signatures: [] });
    const ts = newTimestamp({ expires: EXPIRES, meta: timestampMeta(file) });
    for (const [type, signed] of [
      ['targets', t],
      ['snapshot', snap],
      ['timestamp', ts],
    ] as const) {
      const bytes = serializeMetadata({ signed, signatures: [] }).bytes;
      expect(parseMetadata(bytes, type, `${type}.json`).signed).toEqual(signed);
    }
  });

  it('bumps versions and sets expiry without touching the input', () => {
    const t = { ...newTargets({ expires: EXPIRES }), 'x-note': 'kept' };
    const next = bumpVersion(t, Date.UTC(2031, 5, 6));
    expect(next).toMatchObject({ version: 2, expires: '2031-06-06T00:00:00Z', 'x-note': 'kept' });
    expect(t.version).toBe(1);
    expect(setExpiry(t, 0).expires).toBe('1970-01-01T00:00:00Z');
  });
});

describe('root keys', () => {
  it('adds keys under their computed keyid, once for several roles', () => {
    const base = newRoot({ expires: EXPIRES, thresholds: THRESHOLDS });
    const root = addRoleKey(addRoleKey(base, 'root', key(1)), 'targets', key(1));
    const keyid = computeKeyid(key(1));
    expect(Object.keys(root.keys)).toEqual([keyid]);
    expect(root.roles.root?.keyids).toEqual([keyid]);
    expect(root.roles.targets?.keyids).toEqual([keyid]);
    expect(base.keys).toEqual({});
    expect(() => addRoleKey(base, 'bins', key(1))).toThrow(/role bins is not listed/);
  });

  it('drops a key from root.keys only when no role lists it any more', () => {
    let root = newRoot({ expires: EXPIRES, thresholds: THRESHOLDS });
    root = addRoleKey(addRoleKey(root, 'root', key(1)), 'targets', key(1));
    const keyid = computeKeyid(key(1));
    const once = removeRoleKey(root, 'root', keyid);
    expect(once.keys[keyid]).toEqual(key(1));
    const twice = removeRoleKey(once, 'targets', keyid);
    expect(twice.keys).toEqual({});
    expect(() => removeRoleKey(twice, 'root', keyid)).toThrow(/is not a root key/);
  });

  it('replaces a role key set and threshold, pruning unused keys', () => {
    let root = newRoot({ expires: EXPIRES, thresholds: THRESHOLDS });
    root = addRoleKey(root, 'snapshot', key(9));
    root = setRoleKeys(root, 'snapshot', [key(2), key(3), key(2)], 2);
    expect(root.roles.snapshot).toEqual({
      keyids: [computeKeyid(key(2)), computeKeyid(key(3))],
      threshold: 2,
    });
    expect(Object.keys(root.keys).sort()).toEqual(
      [computeKeyid(key(2)), computeKeyid(key(3))].sort(),
    );
    expect(setRoleThreshold(root, 'snapshot', 1).roles.snapshot?.threshold).toBe(1);
    expect(() => setRoleThreshold(root, 'snapshot', 1.5)).toThrow(/integer >= 1/);
  });
});

describe('targets', () => {
  it('records length, sha256 and custom data; keeps unknown fields', () => {
    const bytes = Buffer.from('hello');
    expect(targetFileFor(bytes, { kind: 'x' })).toEqual({
      length: 5,
      hashes: { sha256: sha256Hex(bytes) },
      custom: { kind: 'x' },
    });
    const t = { ...newTargets({ expires: EXPIRES }), 'x-extra': [1] } as TargetsSigned;
    const next = addTarget(t, 'a/b.txt', targetFileFor(bytes));
    expect(next.targets['a/b.txt']?.length).toBe(5);
    expect((next as unknown as Record<string, unknown>)['x-extra']).toEqual([1]);
    expect(t.targets).toEqual({});
  });

  it('refuses paths that could leave the targets directory', () => {
    const t = newTargets({ expires: EXPIRES });
    for (const bad of ['', '/abs', 'a//b', '../x', 'a/./b', 'a\\b', 'dir/']) {
      expect(() => addTarget(t, bad, targetFileFor(new Uint8Array()))).toThrow(/must be relative/);
    }
  });

  it('keeps a target named __proto__ as data', () => {
    const t = addTarget(
      newTargets({ expires: EXPIRES }),
      '__proto__',
      targetFileFor(new Uint8Array(2)),
    );
    expect(Object.keys(t.targets)).toEqual(['__proto__']);
    const parsed = parseMetadata(
      serializeMetadata({ signed: t, signatures: [] }).bytes,
      'targets',
      't',
    );
    expect(Object.keys(parsed.signed.targets)).toEqual(['__proto__']);
  });

  it('adds and removes many targets in one pass', () => {
    const entries = Array.from(
      { length: 5000 },
      (_, i) => [`f/${i}`, targetFileFor(Buffer.from(String(i)))] as const,
    );
    const t = addTargets(newTargets({ expires: EXPIRES }), entries);
    expect(Object.keys(t.targets)).toHaveLength(5000);
    const fewer = removeTargets(
      t,
      entries.slice(0, 4000).map(([p]) => p),
    );
    expect(Object.keys(fewer.targets)).toHaveLength(1000);
    expect(() => removeTargets(fewer, ['f/1'])).toThrow(/"f\/1" is not listed/);
  });
});

describe('delegations', () => {
  it('appends path delegations in priority order and prunes keys on removal', () => {
    let t = newTargets({ expires: EXPIRES });
    t = addDelegation(t, { name: 'a', keys: [key(1), key(2)], threshold: 2, paths: ['a/*'] });
    t = addDelegation(t, {
      name: 'b',
      keys: [key(2)],
      threshold: 1,
      pathHashPrefixes: ['8'],
      terminating: true,
    });
    expect(t.delegations?.roles?.map((r) => r.name)).toEqual(['a', 'b']);
    expect(t.delegations?.roles?.[1]).toEqual({
      name: 'b',
      keyids: [computeKeyid(key(2))],
      threshold: 1,
      terminating: true,
      path_hash_prefixes: ['8'],
    });
    expect(() => addDelegation(t, { name: 'a', keys: [], threshold: 1, paths: [] })).toThrow(
      /already delegated/,
    );
    expect(() => addDelegation(t, { name: 'c', keys: [], threshold: 1 })).toThrow(/exactly one/);
    expect(() => addDelegation(t, { name: '../x', keys: [], threshold: 1, paths: [] })).toThrow(
      /role name/,
    );
    expect(() => addDelegation(t, { name: 'snapshot', keys: [], threshold: 1, paths: [] })).toThrow(
      /role name/,
    );
    const removed = removeDelegation(t, 'a');
    expect(Object.keys(removed.delegations?.keys ?? {})).toEqual([computeKeyid(key(2))]);
    expect(() =>
      setSuccinctDelegation(t, { keys: [], threshold: 1, bitLength: 2, namePrefix: 'bin' }),
    ).toThrow(/cannot mix/);
  });

  it('builds every succinct bin and places each target in the bin of its path hash', () => {
    const t = setSuccinctDelegation(newTargets({ expires: EXPIRES }), {
      keys: [key(1)],
      threshold: 1,
      bitLength: 5,
      namePrefix: 'bins',
    });
    const succinct = t.delegations?.succinct_roles;
    expect(succinct).toEqual({
      keyids: [computeKeyid(key(1))],
      threshold: 1,
      bit_length: 5,
      name_prefix: 'bins',
    });
    if (!succinct) return;
    expect(() => addDelegation(t, { name: 'a', keys: [], threshold: 1, paths: [] })).toThrow(
      /succinct_roles/,
    );
    const files = Object.fromEntries(
      Array.from({ length: 200 }, (_, i) => [`p/${i}`, targetFileFor(Buffer.from([i]))]),
    );
    const bins = buildBinRoles(succinct, { expires: EXPIRES }, files);
    expect([...bins.keys()]).toHaveLength(32);
    expect([...bins.keys()][0]).toBe('bins-00');
    expect([...bins.keys()][31]).toBe('bins-1f');
    let total = 0;
    for (const [name, bin] of bins) {
      for (const path of Object.keys(bin.targets)) expect(binForPath(succinct, path)).toBe(name);
      total += Object.keys(bin.targets).length;
    }
    expect(total).toBe(200);
    const parsed = parseMetadata(
      serializeMetadata({ signed: t, signatures: [] }).bytes,
      'targets',
      't',
    );
    expect(parsed.signed.delegations?.succinct_roles?.bit_length).toBe(5);
  });
});

describe('snapshot and timestamp meta', () => {
  const targetsRole = (version: number) =>
    serializeRole('targets', {
      signed: { ...newTargets({ expires: EXPIRES }), version },
      signatures: [],
    });

  it('lists version, length and sha256 of the exact serialized bytes', () => {
    const file = targetsRole(4);
    expect(snapshotMeta([file])).toEqual({
      'targets.json': {
        version: 4,
        length: file.file.bytes.length,
        hashes: { sha256: sha256Hex(file.file.bytes) },
      },
    });
    expect(() => snapshotMeta([{ ...file, name: 'root' }])).toThrow(/cannot list root.json/);
  });

  it('keeps other entries and refuses a rollback', () => {
    const snap = newSnapshot({ expires: EXPIRES, meta: { 'other.json': { version: 7 } } });
    const updated = updateSnapshotMeta(snap, [targetsRole(4)]);
    expect(Object.keys(updated.meta).sort()).toEqual(['other.json', 'targets.json']);
    expect(() => updateSnapshotMeta(updated, [targetsRole(3)])).toThrow(
      /version 3 is lower than the listed 4/,
    );
    const snapFile = serializeRole('snapshot', { signed: bumpVersion(updated), signatures: [] });
    const ts = updateTimestampMeta(newTimestamp({ expires: EXPIRES }), snapFile);
    expect(ts.meta['snapshot.json']).toEqual({
      version: 2,
      length: snapFile.file.length,
      hashes: { sha256: snapFile.file.sha256 },
    });
    const older = serializeRole('snapshot', { signed: updated, signatures: [] });
    expect(() => updateTimestampMeta(ts, older)).toThrow(/VERSION|lower/);
    expect(() => timestampMeta(targetsRole(1))).toThrow(/not targets.json/);
  });
});
