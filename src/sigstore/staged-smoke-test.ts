import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TargetFile } from '../metadata/model.js';
import { writeSingleKeyRepository } from '../repo/single-key-repository.js';
import { generatePrivateKey, SoftwareSigner } from '../signing/software-signer.js';
import { smokeTestTrustedRoot, type SmokeTestResult } from './smoke-test.js';

// A staged targets role is unsigned, so the Sigstore client cannot read it from the ceremony
// itself. The smoke test therefore publishes the staged target listing, byte for byte, in a
// throwaway repository signed by a one-use key, and lets @sigstore/tuf fetch and parse
// trusted_root.json from it: what the client will do once the holders' signatures are in.

/** The staged listing of the targets role and the bytes of the files it names. */
export interface StagedTargetsInput {
  /** The staged targets role's `targets` (length, hashes, custom), exactly as staged. */
  targets: Readonly<Record<string, TargetFile>>;
  /** Bytes of the listed files the client fetches (at least trusted_root.json). */
  files: ReadonlyMap<string, Uint8Array>;
  /** What error messages call the staged listing, e.g. the draft's file name. */
  label: string;
}

const ONE_DAY_MS = 86_400_000;

/**
 * Runs the Sigstore client against a throwaway repository that lists the staged targets and
 * serves their bytes on 127.0.0.1; throws the client's error (CeremonyError) when it cannot use
 * trusted_root.json. The one-use key never leaves memory.
 */
export async function smokeTestStagedTargets(input: StagedTargetsInput): Promise<SmokeTestResult> {
  // The client checks expiry against the real clock, so the throwaway metadata uses it too.
  const dir = await mkdtemp(join(tmpdir(), 'tuf-ceremony-smoke-'));
  try {
    const { rootJson } = await writeSingleKeyRepository(dir, {
      signer: new SoftwareSigner(generatePrivateKey('ed25519')),
      expires: Date.now() + ONE_DAY_MS,
      targets: input.targets,
      files: [...input.files].map(([path, bytes]) => ({ path, bytes })),
    });
    return await smokeTestTrustedRoot({ repositoryDir: dir, rootJson, label: input.label });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
