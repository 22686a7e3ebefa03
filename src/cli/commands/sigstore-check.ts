import { resolve } from 'node:path';
import { CeremonyError } from '../../metadata/errors.js';
import { readCanary, readCeremonyCanaries, type CanaryFiles } from '../../repo/canaries.js';
import { formatTime } from '../../sigstore/times.js';
import { boolFlag, EXIT, JSON_OPTION, stringList, type Command } from '../command.js';
import { AT_OPTION, atTime, readTrustInputs, TRUST_INPUT_OPTIONS } from './sigstore-inputs.js';

// `sigstore check`: what runs before a holder signs trust material, on demand and outside a
// ceremony too: the lint rules over trusted_root.json and signing_config, and every canary
// bundle verified by sigstore-js against the trusted root.

const USAGE =
  'tuf-ceremony sigstore check [--file TRUSTED_ROOT] [--signing-config FILE] [--canary BUNDLE [--artifact FILE]]... [--dir DIR] [--at TIME] [--json]';

async function canariesOf(
  cwd: string,
  bundles: readonly string[],
  artifacts: readonly string[],
): Promise<CanaryFiles[]> {
  if (artifacts.length > bundles.length) {
    throw new CeremonyError('USAGE', `each --artifact belongs to a --canary (usage: ${USAGE})`);
  }
  const out: CanaryFiles[] = [];
  for (const [i, bundle] of bundles.entries()) {
    const artifact = artifacts[i];
    out.push(await readCanary(resolve(cwd, bundle), artifact && resolve(cwd, artifact)));
  }
  return out;
}

/** `sigstore check`: lint the trust material and verify canary bundles against the trusted root. */
export const sigstoreCheckCommand: Command = {
  name: 'sigstore check',
  summary:
    'lint trusted_root.json and signing_config as clients read them, and verify canary bundles against the trusted root with sigstore-js',
  usage: USAGE,
  exitCodes: { 1: 'a lint rule failed or a canary did not verify (each is printed)' },
  description:
    'In a ceremony (no --file), checks its targets/trusted_root.json and signing_config.v0.2.json and every bundle in sigstore-canaries/ (NAME.sigstore.json, with the artifact NAME beside it for message signatures). Exit 1 when a lint rule fails or a canary does not verify; warnings are printed.',
  examples: [
    'tuf-ceremony sigstore check',
    'tuf-ceremony sigstore check --file trusted_root.json --canary app.whl.sigstore.json --artifact app.whl',
    'tuf-ceremony sigstore check --signing-config signing_config.v0.2.json --at 2026-01-01T00:00:00Z',
  ],
  options: {
    ...TRUST_INPUT_OPTIONS,
    canary: {
      type: 'string',
      multiple: true,
      valueName: 'BUNDLE',
      description: 'a Sigstore bundle that must verify against the trusted root (repeatable)',
    },
    artifact: {
      type: 'string',
      multiple: true,
      valueName: 'FILE',
      description:
        'the artifact of the --canary at the same position (default: the bundle name without .sigstore.json)',
    },
    ...AT_OPTION,
    ...JSON_OPTION,
  },
  async run(ctx, args) {
    const now = atTime(ctx, args);
    const inputs = await readTrustInputs(ctx, args);
    const canaries = [
      ...(inputs.ceremonyDir ? await readCeremonyCanaries(inputs.ceremonyDir) : []),
      ...(await canariesOf(ctx.cwd, stringList(args, 'canary'), stringList(args, 'artifact'))),
    ];
    if (canaries.length > 0 && inputs.trustedRoot === undefined) {
      throw new CeremonyError(
        'USAGE',
        `canaries verify against a trusted root: give --file (usage: ${USAGE})`,
      );
    }
    if (inputs.trustedRoot === undefined && inputs.signingConfig === undefined) {
      throw new CeremonyError(
        'USAGE',
        `nothing to check: no trusted_root.json or signing config (usage: ${USAGE})`,
      );
    }
    // Loaded on demand: sigstore-js's verifier is only needed here.
    const { blockingLines, checkTrustMaterial, reportLines } =
      await import('../../sigstore/check.js');
    const report = checkTrustMaterial({ ...inputs, canaries, now });
    const blocking = blockingLines(report).length;
    const verified = report.canaries.filter((c) => c.ok).length;
    const warnings = report.findings.filter((f) => f.level === 'warning').length;
    if (boolFlag(args, 'json')) {
      const checked = {
        ok: blocking === 0,
        at: formatTime(now),
        trustedRoot: inputs.trustedRoot?.file ?? null,
        signingConfig: inputs.signingConfig?.file ?? null,
        findings: report.findings,
        canaries: report.canaries,
        counts: { canaries: report.canaries.length, verified, blocking, warnings },
      };
      ctx.out(JSON.stringify(checked, null, 2));
    } else {
      for (const line of reportLines(report)) ctx.out(line);
      ctx.out(
        `${blocking === 0 ? 'ok' : 'FAILED'}: ${verified} of ${report.canaries.length} canaries verified, ${blocking} blocking, ${warnings} warnings`,
      );
    }
    return blocking === 0 ? EXIT.ok : EXIT.failed;
  },
};
