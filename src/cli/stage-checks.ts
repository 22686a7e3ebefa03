import { CeremonyError } from '../metadata/errors.js';
import type { LoadedCeremony } from './ceremony-context.js';
import { readCeremonyTrustInputs } from './commands/sigstore-inputs.js';

// What `stage` checks before writing drafts, so holders never review what a client rejects:
// the Sigstore lint rules over the ceremony's trust material (errors stop staging, warnings are
// printed and recorded), and plan features some TUF clients cannot read.

/**
 * Plan features a client family cannot read: awslabs/tough has no TAP 15 succinct hash bins
 * (tough/src/schema/mod.rs: `Delegations` holds `roles` only, `PathSet` is paths or
 * path_hash_prefixes), so tough and sigstore-rs built on it would not find targets in bins.
 */
export function planClientWarnings(loaded: LoadedCeremony): string[] {
  const bins = loaded.plan.delegations.filter((d) => d.succinct !== undefined);
  return bins.map(
    (d) =>
      `plan-succinct-bins: ${loaded.plan.file}: delegation ${d.name} uses succinct hash bins (TAP 15), which awslabs/tough (and sigstore-rs through it) cannot read`,
  );
}

/** What staging checks found: warnings to print and record, and whether trust material exists. */
export interface StageCheckResult {
  warnings: string[];
  /** True when the ceremony has a trusted_root.json or signing config target input. */
  hasTrustMaterial: boolean;
}

/** Lints the ceremony's trust material; throws on errors, returns the warnings (with the plan's). */
export async function stageChecks(loaded: LoadedCeremony, now: number): Promise<StageCheckResult> {
  // Bytes already published are not re-judged: only what this ceremony would sign is.
  const published = loaded.published.targets?.metadata.signed.targets ?? {};
  const inputs = await readCeremonyTrustInputs(
    loaded.paths.root,
    (path) => published[path]?.hashes.sha256,
  );
  const warnings = planClientWarnings(loaded);
  if (inputs.trustedRoot === undefined && inputs.signingConfig === undefined) {
    return { warnings, hasTrustMaterial: false };
  }
  const { checkTrustMaterial, blockingLines, warningLines } = await import('../sigstore/check.js');
  const report = checkTrustMaterial({ ...inputs, now });
  const blocking = blockingLines(report);
  if (blocking.length > 0) {
    throw new CeremonyError(
      'CLIENT_INCOMPATIBLE',
      `Sigstore clients would reject the trust material (${blocking.length} error(s)); nothing was staged: ${blocking.join('; ')}`,
    );
  }
  return { warnings: [...warnings, ...warningLines(report)], hasTrustMaterial: true };
}
