import { signingNeeds, type SigningNeed } from '../../ceremony/signing-needs.js';
import type { HolderSignatures } from '../../ceremony/staging.js';
import { CeremonyError } from '../../metadata/errors.js';
import { signAndCheck } from '../../metadata/sign.js';
import { formatExpiry } from '../../metadata/time.js';
import { writeHolderSignatures } from '../../repo/staging-store.js';
import { boolFlag, stringFlag, stringList, type Command } from '../command.js';
import {
  DIR_OPTION,
  ceremonyDir,
  loadCeremony,
  requireStaging,
  unknownHolder,
} from '../ceremony-context.js';
import { crashPoint } from '../crash-points.js';
import { driftMessage, planDrift } from '../plan-drift.js';
import { SECRET_OPTIONS, openEnrolledSigner } from '../key-access.js';
import { confirmOrRefuse } from '../confirm.js';
import { smokeTestStagedTrustedRoot } from '../sigstore-gate.js';
import { recordEvent } from '../transcript.js';
import { repairSignatureEvents } from '../transcript-repair.js';
import { reviewLines } from './review.js';

function groupByKey(needs: readonly SigningNeed[]): Map<string, SigningNeed[]> {
  const byKey = new Map<string, SigningNeed[]>();
  for (const need of needs)
    byKey.set(need.enrolled.keyid, [...(byKey.get(need.enrolled.keyid) ?? []), need]);
  return byKey;
}

/** `tuf-ceremony sign --holder NAME`: signs every staged role the holder's keys are needed for. */
export const signCommand: Command = {
  name: 'sign',
  examples: [
    'tuf-ceremony sign --holder alice',
    'tuf-ceremony sign --holder bob --passphrase-env BOB_PASS --expect-sha256 HASH --yes',
  ],
  summary:
    "sign every staged role the holder's keys are needed for (root rotations: under old and new root)",
  usage:
    'tuf-ceremony sign --holder NAME [--dir DIR] [--key-ref REF] [--passphrase-env VAR | --pin-env VAR] [--expect-sha256 HASH]... [--yes] [--qr]',
  options: {
    ...DIR_OPTION,
    ...SECRET_OPTIONS,
    holder: {
      type: 'string',
      valueName: 'NAME',
      description: 'the holder who signs (required)',
    },
    'key-ref': {
      type: 'string',
      valueName: 'REF',
      description:
        "where the holder's key is on this machine (file:..., pkcs11:...; default: as enrolled)",
    },
    'expect-sha256': {
      type: 'string',
      multiple: true,
      valueName: 'HASH',
      description: "refuse to sign unless each staged role's bytes have one of these sha256 hashes",
    },
    yes: {
      type: 'boolean',
      short: 'y',
      description: 'sign without asking for confirmation (after printing the review)',
    },
    qr: {
      type: 'boolean',
      description: 'also print a QR code of each sha256 in the review, for viewers to scan',
    },
  },
  async run(ctx, args) {
    const holder = stringFlag(args, 'holder');
    if (!holder) throw new CeremonyError('USAGE', 'sign needs --holder NAME');
    const loaded = await loadCeremony(ceremonyDir(ctx, args));
    const staging = requireStaging(loaded);
    await repairSignatureEvents(ctx, loaded);
    const holderKeys = loaded.keys.filter((k) => k.holder === holder);
    if (
      holderKeys.length === 0 &&
      !Object.prototype.hasOwnProperty.call(loaded.plan.holders, holder)
    ) {
      throw unknownHolder(loaded.plan, holder);
    }
    // Never sign drafts that no longer follow the plan (ceremony.yaml, keys/, target inputs).
    const refusal = driftMessage(await planDrift(loaded));
    if (refusal !== undefined)
      throw new CeremonyError('STATE_INVALID', `${refusal}; nothing was signed`);
    const needs = signingNeeds(
      holder,
      holderKeys,
      staging.ceremony.roles,
      staging.drafts,
      staging.holders,
      loaded.published,
    );
    if (needs.length === 0) {
      ctx.out(`${holder} has nothing left to sign in ceremony ${staging.ceremony.id}`);
      return 0;
    }
    // Never sign bytes the holder did not see: the review is printed, and confirmed (or --yes).
    for (const line of reviewLines(loaded, holder, { qr: boolFlag(args, 'qr') })) ctx.out(line);
    const expected = stringList(args, 'expect-sha256');
    for (const need of needs) {
      const sha = staging.drafts.get(need.role)?.sha256 ?? '';
      if (expected.length > 0 && !expected.includes(sha)) {
        throw new CeremonyError(
          'STATE_INVALID',
          `${need.role}: the staged bytes have sha256 ${sha}, not one of the --expect-sha256 values; nothing was signed`,
        );
      }
    }
    if (needs.some((n) => n.role === 'targets')) {
      // Never sign a trusted_root.json the Sigstore client cannot load: its error stops signing.
      const smoke = await smokeTestStagedTrustedRoot(loaded);
      if (smoke !== undefined) {
        const r = smoke.result;
        ctx.out(
          `the Sigstore client loaded the staged trusted_root.json (sha256 ${smoke.sha256}): ${r.tlogs} transparency logs, ${r.certificateAuthorities} certificate authorities, ${r.ctlogs} CT logs, ${r.timestampAuthorities} timestamp authorities`,
        );
        await recordEvent(
          loaded.paths,
          holder,
          ctx.now(),
          'sigstore.smoke_tested',
          staging.ceremony.id,
          { target: 'trusted_root.json', sha256: smoke.sha256, client: '@sigstore/tuf' },
        );
      }
    }
    const roleList = [...new Set(needs.map((n) => n.role))].join(', ');
    await confirmOrRefuse(ctx, args, `Sign ${roleList} as ${holder}?`);

    const file: HolderSignatures = staging.holders.find((h) => h.holder === holder) ?? {
      holder,
      signatures: {},
    };
    const keyRefOverride = stringFlag(args, 'key-ref');
    let count = 0;
    for (const [, keyNeeds] of groupByKey(needs)) {
      const enrolled = keyNeeds[0]?.enrolled;
      if (!enrolled) continue;
      const signer = await openEnrolledSigner(ctx, args, enrolled, keyRefOverride);
      try {
        for (const need of keyNeeds) {
          const draft = staging.drafts.get(need.role);
          if (!draft) continue;
          const signature = await signAndCheck(signer, draft.canonical);
          const list = file.signatures[need.role] ?? [];
          list.push({
            keyid: signature.keyid,
            sig: signature.sig,
            signed_sha256: draft.sha256,
            signed_at: formatExpiry(ctx.now()),
          });
          file.signatures[need.role] = list;
          // Persist each signature the moment it exists: a crash never loses one already made.
          await writeHolderSignatures(loaded.paths, file);
          crashPoint('sign:before-event');
          count++;
          await recordEvent(
            loaded.paths,
            holder,
            ctx.now(),
            'signature.added',
            staging.ceremony.id,
            {
              holder,
              role: need.role,
              keyid: signature.keyid,
              signed_sha256: draft.sha256,
              counts_for: need.labels,
            },
          );
          ctx.out(
            `signed ${need.role} v${draft.metadata.signed.version} with ${enrolled.keyid.slice(0, 8)} (${need.labels.join(', ')}); verified`,
          );
          crashPoint('sign:after-signature');
        }
      } finally {
        await signer.close();
      }
    }
    ctx.out(`${holder} made ${count} signature(s); see tuf-ceremony status`);
    return 0;
  },
};
