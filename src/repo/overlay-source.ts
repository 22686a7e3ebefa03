import type {
  KnownFacts,
  KnownMetadata,
  MeasuredFile,
  MeasuredMetadata,
  MetadataSource,
} from '../metadata/client/source.js';
import { CeremonyError } from '../metadata/errors.js';
import { StreamDigest } from './stream-digest.js';

/**
 * A repository as it will be once `pending` files (relative names such as `2.root.json` or
 * `targets/<hash>.name`) are written over `base`: lets finalize verify a release with the client
 * workflow before a single byte of it reaches the published directory.
 */
export class OverlaySource implements MetadataSource {
  constructor(
    private readonly pending: ReadonlyMap<string, Uint8Array>,
    private readonly base: MetadataSource,
    private readonly known: ReadonlyMap<Uint8Array, KnownMetadata> = new Map(),
  ) {}

  /** The metadata a pending file was serialized from (identity of the bytes object). */
  parsedForm(bytes: Uint8Array): KnownMetadata | undefined {
    return this.known.get(bytes);
  }

  /** What the base source established about bytes it gave. */
  knownFacts(bytes: Uint8Array): KnownFacts | undefined {
    return this.base.knownFacts?.(bytes);
  }

  /** What the base source measured of a file, unless this overlay replaces it. */
  measuredMetadata(name: string, maxLength: number): MeasuredMetadata | undefined {
    if (this.pending.has(decodeURIComponent(name))) return undefined;
    return this.base.measuredMetadata?.(name, maxLength);
  }

  private pendingFile(name: string, maxLength: number): Uint8Array | undefined {
    const bytes = this.pending.get(name);
    if (bytes && bytes.length > maxLength) {
      throw new CeremonyError(
        'FILE_TOO_LARGE',
        `${name}: ${bytes.length} bytes is more than the limit of ${maxLength}`,
      );
    }
    return bytes;
  }

  fetchMetadata(name: string, maxLength: number): Promise<Uint8Array | undefined> {
    const bytes = this.pendingFile(decodeURIComponent(name), maxLength);
    return bytes ? Promise.resolve(bytes) : this.base.fetchMetadata(name, maxLength);
  }

  fetchTarget(path: string, maxLength: number): Promise<Uint8Array | undefined> {
    const bytes = this.pendingFile(`targets/${path}`, maxLength);
    return bytes ? Promise.resolve(bytes) : this.base.fetchTarget(path, maxLength);
  }

  async digestTarget(
    path: string,
    maxLength: number,
    algorithms: readonly string[],
  ): Promise<MeasuredFile | undefined> {
    const pending = this.pendingFile(`targets/${path}`, maxLength);
    if (pending === undefined && this.base.digestTarget !== undefined) {
      return this.base.digestTarget(path, maxLength, algorithms);
    }
    const bytes = pending ?? (await this.base.fetchTarget(path, maxLength));
    if (bytes === undefined) return undefined;
    const digest = new StreamDigest(algorithms);
    digest.update(bytes);
    return digest.result();
  }
}
