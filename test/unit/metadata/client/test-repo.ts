import { createHash } from 'node:crypto';
import type {
  Key,
  Metadata,
  RootSigned,
  SnapshotSigned,
  TargetsSigned,
  TimestampSigned,
} from '../../../../src/metadata/model.js';
import { canonicalBytes } from '../../../../src/metadata/canonical.js';
import { binForPath } from '../../../../src/metadata/delegation.js';
import { prettyJson } from '../../../../src/metadata/serialize.js';
import { ed25519FromSeed, SoftwareSigner } from '../../../../src/signing/software-signer.js';
import { MemorySource } from './memory-source.js';

/** Reference time of the synthetic repositories: 2030-01-01. */
export const NOW = Date.UTC(2030, 0, 1);
/** An expiry after NOW. */
export const LATER = '2031-01-01T00:00:00Z';
/** An expiry before NOW. */
export const EARLIER = '2029-01-01T00:00:00Z';

/** A deterministic ed25519 signer. */
export function signer(seed: number): SoftwareSigner {
  return new SoftwareSigner(ed25519FromSeed(new Uint8Array(32).fill(seed)));
}

const enc = new TextEncoder();
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Signs `signed` with each signer (canonical bytes computed once). */
export async function sign<T extends RootSigned | TargetsSigned | SnapshotSigned | TimestampSigned>(
  signed: T,
  signers: readonly SoftwareSigner[],
): Promise<Metadata<T>> {
  const bytes = canonicalBytes(signed);
  const signatures = [];
  for (const s of signers) signatures.push(await s.sign(bytes));
  return { signed, signatures };
}

function keysOf(signers: readonly SoftwareSigner[]): Record<string, Key> {
  return Object.fromEntries(signers.map((s) => [s.keyid, s.key]));
}

/** Synthetic repository: two root keys (threshold 2), one key per other role, delegations. */
export class TestRepo {
  rootKeys = [signer(1), signer(2)];
  targetsKey = signer(3);
  snapshotKey = signer(4);
  timestampKey = signer(5);
  delegateKey = signer(6);
  consistent = true;
  targetFiles = new Map<string, Uint8Array>([
    ['files/a.txt', enc.encode('alpha\n')],
    ['docs/only-fallback.txt', enc.encode('fallback doc\n')],
    ['other/z.txt', enc.encode('zeta\n')],
    ['bin/x.txt', enc.encode('binned\n')],
  ]);
  /** Targets roles by name; each lists targets by path (bytes from targetFiles). */
  roles = new Map<string, TargetsSigned>();
  roots: Metadata<RootSigned>[] = [];
  snapshotVersion = 1;
  timestampVersion = 1;
  expires = LATER;

  rootSigned(version: number, rootSigners = this.rootKeys): RootSigned {
    const all = [...rootSigners, this.targetsKey, this.snapshotKey, this.timestampKey];
    return {
      _type: 'root',
      spec_version: '1.0.31',
      version,
      expires: this.expires,
      consistent_snapshot: this.consistent,
      keys: keysOf(all),
      roles: {
        root: { keyids: rootSigners.map((s) => s.keyid), threshold: rootSigners.length },
        targets: { keyids: [this.targetsKey.keyid], threshold: 1 },
        snapshot: { keyids: [this.snapshotKey.keyid], threshold: 1 },
        timestamp: { keyids: [this.timestampKey.keyid], threshold: 1 },
      },
    };
  }

  private listing(paths: string[]): TargetsSigned['targets'] {
    const out: TargetsSigned['targets'] = {};
    for (const p of paths) {
      const b = this.targetFiles.get(p) as Uint8Array;
      out[p] = { length: b.length, hashes: { sha256: sha256(b) } };
    }
    return out;
  }

  private targetsRole(
    targets: TargetsSigned['targets'],
    delegations?: TargetsSigned['delegations'],
  ): TargetsSigned {
    return {
      _type: 'targets',
      spec_version: '1.0.31',
      version: 1,
      expires: this.expires,
      targets,
      ...(delegations ? { delegations } : {}),
    };
  }

  /** targets -> docs (docs/*, terminating), fallback (docs/*, other/*), hashed (bin/*) -> 4 bins. */
  async init(): Promise<this> {
    this.roots = [await sign(this.rootSigned(1), this.rootKeys)];
    const d = this.delegateKey;
    const keys = keysOf([d]);
    const one = { keyids: [d.keyid], threshold: 1 };
    this.roles.set(
      'targets',
      this.targetsRole(this.listing(['files/a.txt']), {
        keys,
        roles: [
          { name: 'docs', ...one, terminating: false, paths: ['docs/*'] },
          { name: 'fallback', ...one, terminating: false, paths: ['docs/*', 'other/*'] },
          { name: 'hashed', ...one, terminating: false, paths: ['bin/*'] },
        ],
      }),
    );
    this.roles.set('docs', this.targetsRole({}));
    this.roles.set(
      'fallback',
      this.targetsRole(this.listing(['docs/only-fallback.txt', 'other/z.txt'])),
    );
    const succinct = { ...one, bit_length: 2, name_prefix: 'bin' };
    this.roles.set('hashed', this.targetsRole({}, { keys, succinct_roles: succinct }));
    for (let i = 0; i < 4; i++) this.roles.set(`bin-${i}`, this.targetsRole({}));
    this.roles.set(
      binForPath(succinct, 'bin/x.txt'),
      this.targetsRole(this.listing(['bin/x.txt'])),
    );
    return this;
  }

  /** Adds root version N+1 signed by the given signers. */
  async rotateRoot(newRootKeys: SoftwareSigner[], signers: SoftwareSigner[]): Promise<void> {
    const version = this.roots.length + 1;
    this.rootKeys = newRootKeys;
    this.roots.push(await sign(this.rootSigned(version, newRootKeys), signers));
  }

  private signerFor(name: string): SoftwareSigner {
    return name === 'targets' ? this.targetsKey : this.delegateKey;
  }

  private fileName(name: string, version: number): string {
    return this.consistent ? `${version}.${name}.json` : `${name}.json`;
  }

  /** Signs and serializes everything into a repository in memory. */
  async publish(): Promise<MemorySource> {
    const files = new Map<string, Uint8Array>();
    this.roots.forEach((r) =>
      files.set(`${r.signed.version}.root.json`, enc.encode(prettyJson(r))),
    );
    const meta: SnapshotSigned['meta'] = {};
    for (const [name, signed] of this.roles) {
      const bytes = enc.encode(prettyJson(await sign(signed, [this.signerFor(name)])));
      files.set(this.fileName(name, signed.version), bytes);
      meta[`${name}.json`] = {
        version: signed.version,
        length: bytes.length,
        hashes: { sha256: sha256(bytes) },
      };
    }
    const snapshot: SnapshotSigned = {
      _type: 'snapshot',
      spec_version: '1.0.31',
      version: this.snapshotVersion,
      expires: this.expires,
      meta,
    };
    const snapBytes = enc.encode(prettyJson(await sign(snapshot, [this.snapshotKey])));
    files.set(
      this.consistent ? `${this.snapshotVersion}.snapshot.json` : 'snapshot.json',
      snapBytes,
    );
    const timestamp: TimestampSigned = {
      _type: 'timestamp',
      spec_version: '1.0.31',
      version: this.timestampVersion,
      expires: this.expires,
      meta: {
        'snapshot.json': {
          version: this.snapshotVersion,
          length: snapBytes.length,
          hashes: { sha256: sha256(snapBytes) },
        },
      },
    };
    files.set('timestamp.json', enc.encode(prettyJson(await sign(timestamp, [this.timestampKey]))));
    for (const [path, bytes] of this.targetFiles) {
      const slash = path.lastIndexOf('/');
      const name = this.consistent
        ? `${path.slice(0, slash + 1)}${sha256(bytes)}.${path.slice(slash + 1)}`
        : path;
      files.set(`targets/${name}`, bytes);
    }
    return new MemorySource(files);
  }

  /** Bytes of root v1, the trusted root of the tests. */
  trustedRoot(): Uint8Array {
    return enc.encode(prettyJson(this.roots[0]));
  }
}

/** Re-signs a file after changing its `signed` (optionally storing it under another name). */
export async function resign(
  source: MemorySource,
  file: string,
  signers: readonly SoftwareSigner[],
  mutate: (signed: Record<string, unknown>) => void,
  storeAs = file,
): Promise<void> {
  const env = source.json(file) as { signed: Record<string, unknown> };
  mutate(env.signed);
  source.setJson(storeAs, await sign(env.signed as unknown as TargetsSigned, signers));
}

/** Meta of a snapshot or timestamp `signed`, for tests that edit it. */
export function metaOf(signed: Record<string, unknown>): Record<string, Record<string, unknown>> {
  return signed.meta as Record<string, Record<string, unknown>>;
}
