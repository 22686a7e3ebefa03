import {
  describeCanary,
  verifyCanary,
  type CanaryInput,
  type CanaryResult,
} from './canary-verify.js';
import { lintSigningConfig, lintTrustedRoot, type LintFinding } from './lint.js';
import type { SigningConfigDoc } from './signing-config-model.js';
import type { TrustedRootDoc } from './trusted-root-model.js';

// One check of trust material before anyone relies on it: the lint rules over the trusted root
// and signing config, and every canary verified by sigstore-js against the trusted root. Used by
// `sigstore check`, by `stage` (lint only) and before `sign`.

/** What to check; each part is optional. */
export interface TrustCheckInput {
  trustedRoot?: { doc: TrustedRootDoc; file: string };
  signingConfig?: { doc: SigningConfigDoc; file: string };
  canaries?: readonly CanaryInput[];
  /** The time lint rules judge "in the future" against (epoch ms). */
  now: number;
}

/** Lint findings and canary results. */
export interface TrustCheckReport {
  findings: LintFinding[];
  canaries: CanaryResult[];
}

/** Runs the lint rules and the canaries (canaries need a trusted root to verify against). */
export function checkTrustMaterial(input: TrustCheckInput): TrustCheckReport {
  const findings: LintFinding[] = [];
  if (input.trustedRoot) {
    findings.push(...lintTrustedRoot(input.trustedRoot.doc, input.trustedRoot.file));
  }
  if (input.signingConfig) {
    findings.push(
      ...lintSigningConfig(input.signingConfig.doc, input.signingConfig.file, input.now),
    );
  }
  const root = input.trustedRoot?.doc;
  const canaries = root ? (input.canaries ?? []).map((c) => verifyCanary(c, root)) : [];
  return { findings, canaries };
}

/** The lines that block: lint errors and failed canaries. */
export function blockingLines(report: TrustCheckReport): string[] {
  return [
    ...report.findings.filter((f) => f.level === 'error').map((f) => `${f.rule}: ${f.message}`),
    ...report.canaries.filter((c) => !c.ok).map(describeCanary),
  ];
}

/** Every line of a report, as printed: errors, warnings, then each canary. */
export function reportLines(report: TrustCheckReport): string[] {
  return [
    ...report.findings.map((f) => `${f.level}: ${f.rule}: ${f.message}`),
    ...report.canaries.map(describeCanary),
  ];
}

/** The warning messages of a report (recorded in the transcript). */
export function warningLines(report: TrustCheckReport): string[] {
  return report.findings.filter((f) => f.level === 'warning').map((f) => `${f.rule}: ${f.message}`);
}
