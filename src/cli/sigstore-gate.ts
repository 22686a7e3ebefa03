import { draftFile } from '../repo/ceremony-paths.js';
import { readCeremonyCanaries } from '../repo/canaries.js';
import { readTargetInput } from '../repo/target-inputs.js';
import type { TargetFile } from '../metadata/model.js';
import { CeremonyError } from '../metadata/errors.js';
import type { TrustCheckReport } from '../sigstore/check.js';
import type { SmokeTestResult } from '../sigstore/smoke-test.js';
import { requireStaging, type LoadedCeremony } from './ceremony-context.js';
import type { CommandContext } from './command.js';
import { SIGSTORE_TARGET_PATHS } from './commands/sigstore-document.js';
import { stagedSigstoreTargets } from './staged-sigstore.js';
import { stagedTrustOperations } from './trust-review.js';
import { recordEvent } from './transcript.js';

// Sigstore's clients fetch trusted_root.json through TUF and stop working when they cannot parse
// it (Sigstore root-signing issues 294 and 518), and stop verifying signatures when it closes a
// CA or drops a log key too early. A staged targets role that adds or changes it is therefore
// loaded by the real client (@sigstore/tuf), linted, and every canary bundle of the ceremony is
// verified against it with sigstore-js before any holder signs; a failure signs nothing.

const TRUSTED_ROOT = SIGSTORE_TARGET_PATHS.trusted_root;
const SIGNING_CONFIG = SIGSTORE_TARGET_PATHS.signing_config;

/** What the smoke test of a staged trusted_root.json found. */
export interface StagedTrustedRootCheck {
  sha256: string;
  result: SmokeTestResult;
}

/**
 * Runs the Sigstore client on the staged targets role's trusted_root.json when the ceremony adds
 * or changes it; undefined when it does not. Throws the client's error when it cannot use it.
 */
export async function smokeTestStagedTrustedRoot(
  loaded: LoadedCeremony,
): Promise<StagedTrustedRootCheck | undefined> {
  const targets = stagedSigstoreTargets(loaded);
  const entry = targets?.changed.get(TRUSTED_ROOT);
  if (targets === undefined || entry === undefined) return undefined;
  const bytes = await readTargetInput(loaded.paths.root, TRUSTED_ROOT, entry);
  // Loaded on demand: the Sigstore client is large and only this step needs it.
  const { smokeTestStagedTargets } = await import('../sigstore/staged-smoke-test.js');
  const result = await smokeTestStagedTargets({
    targets: targets.staged,
    files: new Map([[TRUSTED_ROOT, bytes]]),
    label: `the staged ${draftFile(loaded.paths, 'targets')}`,
  });
  return { sha256: entry.hashes.sha256 ?? '', result };
}

/**
 * Lints the staged trusted_root.json and signing config (those the ceremony adds or changes) and
 * verifies the ceremony's canaries against a changed trusted root; undefined when neither changed.
 */
export async function checkStagedTrustMaterial(
  loaded: LoadedCeremony,
  now: number,
): Promise<TrustCheckReport | undefined> {
  const targets = stagedSigstoreTargets(loaded);
  if (targets === undefined || targets.changed.size === 0) return undefined;
  const read = async (path: string, entry: TargetFile) => ({
    bytes: await readTargetInput(loaded.paths.root, path, entry),
    file: `the staged ${path}`,
  });
  const rootEntry = targets.changed.get(TRUSTED_ROOT);
  const configEntry = targets.changed.get(SIGNING_CONFIG);
  const root = rootEntry && (await read(TRUSTED_ROOT, rootEntry));
  const config = configEntry && (await read(SIGNING_CONFIG, configEntry));
  // Loaded on demand: sigstore-js's verifier and the document readers are only needed here.
  const { checkTrustMaterial } = await import('../sigstore/check.js');
  const { decodeSigningConfig, decodeTrustedRoot } = await import('../sigstore/documents.js');
  return checkTrustMaterial({
    ...(root
      ? { trustedRoot: { doc: decodeTrustedRoot(root.bytes, root.file), file: root.file } }
      : {}),
    ...(config
      ? {
          signingConfig: { doc: decodeSigningConfig(config.bytes, config.file), file: config.file },
        }
      : {}),
    canaries: root ? await readCeremonyCanaries(loaded.paths.root) : [],
    now,
  });
}

/**
 * The gate before a holder signs a staged targets role: smoke test, lint and canaries. Prints
 * what it found; throws (having written nothing) when anything blocks; records the passed checks
 * and their warnings in the holder's transcript.
 */
export async function gateStagedTrustMaterial(
  ctx: CommandContext,
  loaded: LoadedCeremony,
  holder: string,
): Promise<void> {
  // The holder reviews what the trust material change means, not only its sha256.
  const operations = await stagedTrustOperations(loaded);
  if (operations !== undefined && operations.length > 0) {
    ctx.out('Sigstore trust material changes:');
    for (const op of operations) ctx.out(`  ${op.text}`);
  }
  const smoke = await smokeTestStagedTrustedRoot(loaded);
  const report = await checkStagedTrustMaterial(loaded, ctx.now());
  if (smoke === undefined && report === undefined) return;
  const { blockingLines, reportLines, warningLines } = await import('../sigstore/check.js');
  if (report !== undefined) {
    const blocking = blockingLines(report);
    if (blocking.length > 0) {
      throw new CeremonyError(
        'CLIENT_INCOMPATIBLE',
        `the staged Sigstore trust material fails ${blocking.length} check(s), nothing was signed: ${blocking.join('; ')}`,
      );
    }
  }
  const ceremonyId = requireStaging(loaded).ceremony.id;
  if (smoke !== undefined) {
    const r = smoke.result;
    ctx.out(
      `the Sigstore client loaded the staged trusted_root.json (sha256 ${smoke.sha256}): ${r.tlogs} transparency logs, ${r.certificateAuthorities} certificate authorities, ${r.ctlogs} CT logs, ${r.timestampAuthorities} timestamp authorities`,
    );
    await recordEvent(loaded.paths, holder, ctx.now(), 'sigstore.smoke_tested', ceremonyId, {
      target: TRUSTED_ROOT,
      sha256: smoke.sha256,
      client: '@sigstore/tuf',
    });
  }
  if (report === undefined) return;
  for (const line of reportLines(report)) ctx.out(line);
  await recordEvent(loaded.paths, holder, ctx.now(), 'sigstore.checked', ceremonyId, {
    canaries: report.canaries.map((c) => c.name),
    warnings: warningLines(report),
    client: '@sigstore/verify',
  });
}
