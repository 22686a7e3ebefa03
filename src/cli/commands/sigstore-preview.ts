import { CeremonyError } from '../../metadata/errors.js';
import { formatTime } from '../../sigstore/times.js';
import { previewLines, previewServices } from '../../sigstore/preview.js';
import { boolFlag, EXIT, JSON_OPTION, type Command } from '../command.js';
import { AT_OPTION, atTime, readTrustInputs, TRUST_INPUT_OPTIONS } from './sigstore-inputs.js';

// `sigstore preview`: which Rekor, TSA and Fulcio each Sigstore client family would use at a
// time, by the rule each applies, and where they disagree.

const USAGE =
  'tuf-ceremony sigstore preview [--signing-config FILE] [--file TRUSTED_ROOT] [--dir DIR] [--at TIME] [--json]';

/** `sigstore preview`: per client family, the services a signing config makes it use. */
export const sigstorePreviewCommand: Command = {
  name: 'sigstore preview',
  summary:
    'show which Rekor, TSA and Fulcio sigstore-go/cosign, sigstore-python and sigstore-js would use at a time, and where they disagree',
  usage: USAGE,
  exitCodes: { 1: 'the clients would use different services, or one refuses the signing config' },
  description:
    "Reads the ceremony's signing_config.v0.2.json and trusted_root.json (or --signing-config and --file). Exit 1 when the clients disagree or one refuses the signing config.",
  examples: [
    'tuf-ceremony sigstore preview --at 2026-01-02T00:00:00Z',
    'tuf-ceremony sigstore preview --signing-config signing_config.v0.2.json --file trusted_root.json',
  ],
  options: {
    ...TRUST_INPUT_OPTIONS,
    ...AT_OPTION,
    ...JSON_OPTION,
  },
  async run(ctx, args) {
    const time = atTime(ctx, args);
    const inputs = await readTrustInputs(ctx, args);
    if (inputs.signingConfig === undefined) {
      throw new CeremonyError('USAGE', `no signing config to preview (usage: ${USAGE})`);
    }
    const previews = previewServices(inputs.signingConfig.doc, inputs.trustedRoot?.doc, time);
    const agree = previews.every((p) => !p.disagree);
    if (boolFlag(args, 'json')) {
      const preview = {
        at: formatTime(time),
        signingConfig: inputs.signingConfig.file,
        trustedRoot: inputs.trustedRoot?.file ?? null,
        agree,
        services: previews,
      };
      ctx.out(JSON.stringify(preview, null, 2));
      return agree ? EXIT.ok : EXIT.failed;
    }
    ctx.out(`at ${formatTime(time)}, ${inputs.signingConfig.file}:`);
    for (const line of previewLines(previews)) ctx.out(line);
    ctx.out(agree ? 'all clients agree' : 'clients disagree: see CLIENTS DISAGREE above');
    return agree ? EXIT.ok : EXIT.failed;
  },
};
