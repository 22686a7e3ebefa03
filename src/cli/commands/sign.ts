import type { SigningNeed } from '../../ceremony/signing-needs.js';
import { planRecordsDir } from '../../repo/plan-record.js';
import { holderSigningNeeds } from '../holder-check.js';
import { storeSignature, type HolderSignatures } from '../../ceremony/staging.js';
import { CeremonyError } from '../../metadata/errors.js';
import { checkFreshSignature } from '../../metadata/sign.js';
import { CheckGate } from '../checked-batch.js';
import { formatExpiry } from '../../metadata/time.js';
import { writeHolderSignatures } from '../../repo/staging-store.js';
import {
  boolFlag,
  JSON_OPTION,
  stringFlag,
  stringList,
  type Command,
  type CommandContext,
  type ParsedArgs,
} from '../command.js';
import {
  DIR_OPTION,
  ceremonyDir,
  loadCeremony,
  requireStaging,
  unknownHolder,
} from '../ceremony-context.js';
import { crashPoint } from '../crash-points.js';
import { refuseDrift } from '../plan-drift.js';
import { openEnrolledSigner } from '../key-access.js';
import { KeysOpenedAhead } from '../keys-ahead.js';
import { loadEnrolledKeys } from '../../repo/enrolled-keys-store.js';
import { ceremonyPaths } from '../../repo/ceremony-paths.js';
import { SECRET_OPTIONS } from '../secrets.js';
import { confirmOrRefuse } from '../confirm.js';
import { gateStagedTrustMaterial } from '../sigstore-gate.js';
import { OFFLINE_SIGN_OPTIONS, offlineSignStep } from '../sign-offline-steps.js';
import { recordEvents } from '../transcript.js';
import { seconds, startProgress } from '../progress.js';
import type { JsonObject } from '../../metadata/json.js';
import { repairSignatureEvents } from '../transcript-repair.js';
import { FULL_OPTION, reviewLines } from './review.js';

/** Signatures reported one line each; more get a progress bar and one summary line. */
const SIGN_DETAIL = 20;
/** Signatures persisted together when signing many roles. */
const FLUSH_SIGNATURES = 1024;

function groupByKey(needs: readonly SigningNeed[]): Map<string, SigningNeed[]> {
  const byKey = new Map<string, SigningNeed[]>();
  for (const need of needs) {
    const list = byKey.get(need.enrolled.keyid) ?? [];
    list.push(need);
    byKey.set(need.enrolled.keyid, list);
  }
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
    'tuf-ceremony sign --holder NAME [--dir DIR] [--key-ref REF] [--passphrase-env VAR | --pin-env VAR] [--expect-sha256 HASH]... [--yes] [--qr] [--json] | sign --holder NAME --export FILE [--qr] | sign --import RESPONSE',
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
      description:
        'also print a QR code of each sha256 in the review, for viewers to scan (with --export: the request as QR codes)',
    },
    ...FULL_OPTION,
    ...OFFLINE_SIGN_OPTIONS,
    ...JSON_OPTION,
  },
  reusesSignatureChecks: true,
  async run(ctx, args) {
    const json = boolFlag(args, 'json');
    if (
      json &&
      (stringFlag(args, 'export') !== undefined || stringFlag(args, 'import') !== undefined)
    )
      throw new CeremonyError('USAGE', '--json does not go with --export or --import');
    const offline = offlineSignStep(ctx, args);
    if (offline) return offline;
    const holder = stringFlag(args, 'holder');
    if (!holder) throw new CeremonyError('USAGE', 'sign needs --holder NAME');
    const dir = ceremonyDir(ctx, args);
    const keyRefOverride = stringFlag(args, 'key-ref');
    const ahead = await KeysOpenedAhead.start(
      ctx,
      args,
      (await loadEnrolledKeys(ceremonyPaths(dir))).keys.filter((k) => k.holder === holder),
      keyRefOverride,
    );
    try {
      return await signStaged(ctx, args, { dir, holder, json, keyRefOverride, ahead });
    } finally {
      await ahead.closeRest();
    }
  },
};

/** What `sign` was asked: the ceremony folder, the holder, and the keys being opened ahead. */
interface SignRequest {
  dir: string;
  holder: string;
  json: boolean;
  keyRefOverride: string | undefined;
  ahead: KeysOpenedAhead;
}

/** Checks, reviews and signs the staged roles the holder's keys count for. */
async function signStaged(
  ctx: CommandContext,
  args: ParsedArgs,
  { dir, holder, json, keyRefOverride, ahead }: SignRequest,
): Promise<number> {
  const loaded = await loadCeremony(dir);
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
  await refuseDrift(loaded, 'nothing was signed', planRecordsDir(ctx.env));
  const needs = holderSigningNeeds(loaded, staging, holder, holderKeys);
  if (needs.length === 0) {
    if (json) {
      ctx.out(JSON.stringify({ holder, ceremony: staging.ceremony.id, signatures: [] }, null, 2));
      return 0;
    }
    ctx.out(`${holder} has nothing left to sign in ceremony ${staging.ceremony.id}`);
    return 0;
  }
  // Never sign bytes the holder did not see: the review is printed, and confirmed (or --yes).
  const review = await reviewLines(loaded, holder, {
    qr: boolFlag(args, 'qr'),
    full: boolFlag(args, 'full'),
  });
  // In JSON mode the review is printed nowhere; --yes (or a refusal) still decides.
  if (!json) for (const line of review) ctx.out(line);
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
  // Never sign Sigstore trust material a client rejects or that breaks a canary signature.
  if (needs.some((n) => n.role === 'targets'))
    await gateStagedTrustMaterial(json ? { ...ctx, out: () => undefined } : ctx, loaded, holder);
  const roleList = [...new Set(needs.map((n) => n.role))].join(', ');
  await confirmOrRefuse(ctx, args, `Sign ${roleList} as ${holder}?`);

  const file: HolderSignatures = staging.holders.find((h) => h.holder === holder) ?? {
    holder,
    signatures: {},
  };
  const many = needs.length > SIGN_DETAIL;
  const progress = startProgress(ctx, 'sign', needs.length, 'roles', json);
  const made: { role: string; version: number; keyid: string; signed_sha256: string }[] = [];
  let pending: { type: 'signature.added'; data: JsonObject }[] = [];
  // Signing many roles, each fresh signature is checked on the thread pool while the next roles
  // are signed here, and a batch is written only when every check in it passed; a few roles are
  // each checked before the next is signed.
  const gate = new CheckGate();
  let flushed = Date.now();
  const flush = async (): Promise<void> => {
    if (!(await gate.beforeWrite())) return;
    if (pending.length === 0) return;
    await writeHolderSignatures(loaded.paths, file);
    crashPoint('sign:before-event');
    await recordEvents(loaded.paths, holder, ctx.now(), staging.ceremony.id, pending);
    pending = [];
    flushed = Date.now();
  };
  let count = 0;
  try {
    for (const [, keyNeeds] of groupByKey(needs)) {
      const enrolled = keyNeeds[0]?.enrolled;
      if (!enrolled) continue;
      const signer = await (ahead.take(enrolled.keyid) ??
        openEnrolledSigner(ctx, args, enrolled, keyRefOverride));
      try {
        for (const need of keyNeeds) {
          const draft = staging.drafts.get(need.role);
          if (!draft) continue;
          const signature = await signer.sign(draft.canonical);
          const check = checkFreshSignature(signer, draft.canonical, signature, many);
          if (many) gate.hold(check);
          else await check;
          storeSignature(file, need.role, signature, draft, formatExpiry(ctx.now()));
          pending.push({
            type: 'signature.added',
            data: {
              holder,
              role: need.role,
              keyid: signature.keyid,
              signed_sha256: draft.sha256,
              counts_for: need.labels,
            },
          });
          // Persist each signature the moment it exists; signing thousands of bins persists
          // them in batches (a crash loses at most one batch, which a rerun signs again).
          if (!many || pending.length >= FLUSH_SIGNATURES || Date.now() - flushed > 1000)
            await flush();
          count++;
          made.push({
            role: need.role,
            version: draft.metadata.signed.version,
            keyid: signature.keyid,
            signed_sha256: draft.sha256,
          });
          progress.tick();
          if (!many && !json)
            ctx.out(
              `signed ${need.role} v${draft.metadata.signed.version} with ${enrolled.keyid.slice(0, 8)} (${need.labels.join(', ')}); verified`,
            );
          crashPoint('sign:after-signature');
        }
      } finally {
        await signer.close();
      }
    }
  } finally {
    await flush();
  }
  const ms = progress.finish();
  if (json) {
    ctx.out(JSON.stringify({ holder, ceremony: staging.ceremony.id, signatures: made }, null, 2));
    return 0;
  }
  if (many) ctx.out(`signed ${count} roles in ${seconds(ms)}; each signature verified`);
  ctx.out(`${holder} made ${count} signature(s); see tuf-ceremony status`);
  return 0;
}
