import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  emptyPublishedRepo,
  type PublishedRepo,
  type PublishedRole,
} from '../ceremony/published.js';
import { CeremonyError } from '../metadata/errors.js';
import type { AnySigned, Metadata, TargetsSigned } from '../metadata/model.js';
import { parseMetadata, type RoleType } from '../metadata/parse.js';
import { serializedFromBytes, type SerializedFile } from '../metadata/serialize.js';
import { withoutDelegations } from '../metadata/without-delegations.js';
import { readFileNoFollow, readFileNoFollowSync } from './read-no-follow.js';
import { knownDelegationFree } from './delegation-free.js';
import { checkLengthAndHashes } from '../metadata/client/checks.js';

/** The rule a bin file must meet before it is used (as the client workflow states it). */
const SNAPSHOT_LISTING = '5.6.2: match the snapshot listing';

/** The bytes of a file the published metadata lists (refused when missing or a link). */
async function readListedFile(path: string): Promise<Uint8Array> {
  const bytes = await readFileNoFollow(path);
  if (!bytes) throw missing(path);
  return bytes;
}

function missing(path: string): CeremonyError {
  return new CeremonyError('FILE_MISSING', `${path}: missing, but the published metadata lists it`);
}

async function loadRole<K extends RoleType>(
  dir: string,
  name: string,
  type: K,
): Promise<PublishedRole<Extract<AnySigned, { _type: K }>>> {
  const path = join(dir, name);
  const bytes = await readListedFile(path);
  return { metadata: parseMetadata(bytes, type, path), file: serializedFromBytes(bytes) };
}

/**
 * A delegated role read now and parsed (and checked) when first used: a command that works on
 * one bin of 16,384 parses that one. A file that does not parse fails where it is used.
 */
async function loadDelegatedRole(
  dir: string,
  name: string,
): Promise<PublishedRole<Extract<AnySigned, { _type: 'targets' }>>> {
  const path = join(dir, name);
  const bytes = await readListedFile(path);
  let parsed: Metadata<TargetsSigned> | undefined;
  return {
    get metadata(): Metadata<TargetsSigned> {
      parsed ??= parseMetadata(bytes, 'targets', path);
      return parsed;
    },
    file: serializedFromBytes(bytes),
    withoutDelegations: withoutDelegations(bytes),
  };
}

/** What snapshot lists of a delegated role's file. */
interface ListedFile {
  role: string;
  length: number;
  sha256: string;
  listedBy: string;
}

/**
 * A delegated role whose length and sha256 snapshot lists: read only when its bytes are first
 * needed, and then refused unless they are exactly what snapshot lists (spec 5.6.2), as a client
 * would. Its file's length and sha256 are snapshot's until then: staging one more target of a
 * million reads the one bin it changes. A class (accessors on the prototype, no closures per
 * role): a 16,384-bin repository makes 16,384 of them at every load.
 */
class LazyDelegatedRole implements PublishedRole<TargetsSigned> {
  private bytes: Uint8Array | undefined;
  private parsed: Metadata<TargetsSigned> | undefined;
  readonly file: SerializedFile;

  constructor(
    private readonly dir: string,
    private readonly name: string,
    private readonly listed: ListedFile,
  ) {
    this.file = new LazyFile(this, listed);
  }

  /** The file's bytes, read once and checked against snapshot's listing. */
  read(): Uint8Array {
    if (this.bytes !== undefined) return this.bytes;
    // Joined when first needed: most of 16,384 bins are never read.
    const path = join(this.dir, this.name);
    const found = readFileNoFollowSync(path);
    if (!found) throw missing(path);
    const { role, length, sha256, listedBy } = this.listed;
    const expected = { length, hashes: { sha256 } };
    checkLengthAndHashes(found, expected, role, this.name, SNAPSHOT_LISTING, listedBy);
    this.bytes = found;
    return found;
  }

  get metadata(): Metadata<TargetsSigned> {
    this.parsed ??= parseMetadata(this.read(), 'targets', join(this.dir, this.name));
    return this.parsed;
  }

  get withoutDelegations(): boolean {
    return knownDelegationFree(this.listed.sha256) || withoutDelegations(this.read());
  }
}

/** A lazy role's file: snapshot's length and sha256, its bytes when first asked for. */
class LazyFile implements SerializedFile {
  readonly length: number;
  readonly sha256: string;

  constructor(
    private readonly role: LazyDelegatedRole,
    listed: ListedFile,
  ) {
    this.length = listed.length;
    this.sha256 = listed.sha256;
  }

  get bytes(): Uint8Array {
    return this.role.read();
  }
}

/**
 * Loads the published repository as clients see it: every N.root.json, then timestamp.json ->
 * snapshot -> targets and delegated roles at the versions snapshot lists. The raw bytes are kept
 * (never re-serialized). An absent directory or one without roots is an empty repository.
 * `maxRootVersion` hides newer roots (a finalize that was interrupted after writing its root).
 */
export async function loadPublishedRepo(
  dir: string,
  options: { maxRootVersion?: number } = {},
): Promise<PublishedRepo> {
  const repo = emptyPublishedRepo();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return repo;
    throw err;
  }
  const rootVersions = names
    .map((n) => (n.endsWith('.root.json') ? /^([1-9]\d*)\.root\.json$/.exec(n)?.[1] : undefined))
    .filter((v): v is string => v !== undefined)
    .map(Number)
    .filter((v) => options.maxRootVersion === undefined || v <= options.maxRootVersion)
    .sort((a, b) => a - b);
  for (const version of rootVersions) {
    const role = await loadRole(dir, `${version}.root.json`, 'root');
    if (role.metadata.signed.version !== version) {
      throw new CeremonyError(
        'VERSION_MISMATCH',
        `${join(dir, `${version}.root.json`)}: holds root version ${role.metadata.signed.version}`,
      );
    }
    repo.roots.set(version, role);
    repo.root = role;
  }
  // A set, not list scans: a repository of 16,384 bins has twice as many names.
  const present = new Set(names);
  if (!repo.root || !present.has('timestamp.json')) return repo;
  const consistent = repo.root.metadata.signed.consistent_snapshot === true;
  const fileName = (role: string, version: number): string =>
    consistent ? `${version}.${role}.json` : `${role}.json`;
  repo.timestamp = await loadRole(dir, 'timestamp.json', 'timestamp');
  const snapshotVersion = repo.timestamp.metadata.signed.meta['snapshot.json']?.version ?? 0;
  repo.snapshot = await loadRole(dir, fileName('snapshot', snapshotVersion), 'snapshot');
  const listedBy = `snapshot v${repo.snapshot.metadata.signed.version}`;
  for (const [metaName, meta] of Object.entries(repo.snapshot.metadata.signed.meta)) {
    const role = metaName.endsWith('.json') ? metaName.slice(0, -'.json'.length) : metaName;
    const name = fileName(role, meta.version);
    if (role === 'targets') {
      repo.targets = await loadRole(dir, name, 'targets');
    } else if (role !== 'root' && present.has(name)) {
      const sha256 = meta.hashes?.sha256;
      repo.delegated.set(
        role,
        meta.length !== undefined && sha256 !== undefined
          ? new LazyDelegatedRole(dir, name, {
              role,
              length: meta.length,
              sha256,
              listedBy,
            })
          : await loadDelegatedRole(dir, name),
      );
    }
  }
  return repo;
}
