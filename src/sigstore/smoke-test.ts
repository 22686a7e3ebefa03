import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { initTUF } from '@sigstore/tuf';
import { CeremonyError } from '../metadata/errors.js';
import { serveLocally } from './local-server.js';

// Before holders sign a staged trusted_root.json, the real Sigstore client must be able to use it
// (Sigstore root-signing issues 294 and 518: a trusted root once shipped that clients could not
// load). The client fetches it through TUF from 127.0.0.1 and parses it as it would in production.

/** A TUF repository directory (consistent snapshot layout) and the root.json to trust first. */
export interface SmokeTestInput {
  /** Directory holding N.root.json, timestamp.json, ... and targets/ with trusted_root.json. */
  repositoryDir: string;
  /** Bytes of the trusted root.json the client bootstraps from. */
  rootJson: Uint8Array;
  /** What error messages call the repository (default: repositoryDir). */
  label?: string;
  /** Per-request timeout of the client in ms (default 5000). */
  timeoutMs?: number;
}

/** What the Sigstore client read. */
export interface SmokeTestResult {
  /** sha256 (hex) of the trusted_root.json bytes the client obtained. */
  sha256: string;
  tlogs: number;
  certificateAuthorities: number;
  ctlogs: number;
  timestampAuthorities: number;
}

function clientMessage(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    parts.push(typeof code === 'string' ? `${code}: ${e.message}` : e.message);
    e = e.cause;
  }
  return (parts.length > 0 ? parts.join(': ') : String(err)).replace(/\s*\n\s*/g, ' ');
}

/**
 * Runs @sigstore/tuf against the repository served on 127.0.0.1: TUF update from `rootJson`,
 * download of trusted_root.json, parse with protobuf-specs. Throws CeremonyError carrying the
 * client's error when it cannot use the file.
 */
export async function smokeTestTrustedRoot(input: SmokeTestInput): Promise<SmokeTestResult> {
  const work = await mkdtemp(join(tmpdir(), 'tuf-ceremony-sigstore-'));
  const server = await serveLocally(input.repositoryDir);
  try {
    const rootPath = join(work, 'root.json');
    await writeFile(rootPath, input.rootJson);
    let text: string;
    let parsed: TrustedRoot;
    try {
      const client = await initTUF({
        mirrorURL: server.url,
        rootPath,
        cachePath: join(work, 'cache'),
        forceInit: true,
        retry: { retries: 0 },
        timeout: input.timeoutMs ?? 5000,
      });
      text = await client.getTarget('trusted_root.json');
      // The same two steps as @sigstore/tuf getTrustedRoot.
      parsed = TrustedRoot.fromJSON(JSON.parse(text));
    } catch (err) {
      throw new CeremonyError(
        'METADATA_INVALID',
        `the Sigstore client (@sigstore/tuf) cannot use trusted_root.json from ${input.label ?? input.repositoryDir}: ${clientMessage(err)}`,
        { cause: err },
      );
    }
    return {
      sha256: createHash('sha256').update(text).digest('hex'),
      tlogs: parsed.tlogs.length,
      certificateAuthorities: parsed.certificateAuthorities.length,
      ctlogs: parsed.ctlogs.length,
      timestampAuthorities: parsed.timestampAuthorities.length,
    };
  } finally {
    await server.close();
    await rm(work, { recursive: true, force: true });
  }
}
