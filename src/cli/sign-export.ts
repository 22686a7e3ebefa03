import { buildSigningRequest } from '../ceremony/offline-format.js';
import { planRecordsDir } from '../repo/plan-record.js';
import { sha256Hex } from '../metadata/bytes.js';
import { prettyJson } from '../metadata/serialize.js';
import { boolFlag, type CommandContext, type ParsedArgs } from './command.js';
import { ceremonyDir, loadCeremony, requireStaging } from './ceremony-context.js';
import { publishedSigned } from './commands/review.js';
import { holderSigningNeeds, requireHolderKeys } from './holder-check.js';
import { refuseDrift } from './plan-drift.js';
import { writeDocument } from './offline-io.js';
import { smokeTestStagedTrustedRoot } from './sigstore-gate.js';

/**
 * `sign --holder NAME --export FILE`: writes one self-contained signing request with every role
 * the holder still must sign (root rotations: under the old and the new root). Writes nothing
 * into the ceremony.
 */
export async function exportSigningRequest(
  ctx: CommandContext,
  args: ParsedArgs,
  holder: string,
  spec: string,
): Promise<number> {
  const info = spec === '-' ? ctx.err : ctx.out;
  const loaded = await loadCeremony(ceremonyDir(ctx, args));
  const staging = requireStaging(loaded);
  const holderKeys = requireHolderKeys(loaded, holder);
  await refuseDrift(loaded, 'no request was written', planRecordsDir(ctx.env));
  const needs = holderSigningNeeds(loaded, staging, holder, holderKeys);
  if (needs.length === 0) {
    info(
      `${holder} has nothing left to sign in ceremony ${staging.ceremony.id}; no request written`,
    );
    return 0;
  }
  if (needs.some((n) => n.role === 'targets')) {
    // As `sign` does: no request for a trusted_root.json the Sigstore client cannot load.
    const smoke = await smokeTestStagedTrustedRoot(loaded);
    if (smoke !== undefined)
      info(
        `the Sigstore client loaded the staged trusted_root.json (sha256 ${smoke.sha256}); the request may carry it`,
      );
  }
  const request = buildSigningRequest({
    trustRoot: loaded.plan.name,
    ceremony: staging.ceremony,
    holder,
    needs,
    drafts: staging.drafts,
    publishedRootVersion: loaded.published.root?.metadata.signed.version ?? 0,
    publishedSigned: (role) => publishedSigned(loaded, role),
  });
  const text = prettyJson(request);
  const where = await writeDocument(
    ctx,
    spec,
    text,
    `signing request for ${holder}`,
    boolFlag(args, 'qr'),
  );
  info(
    `wrote the signing request for ${holder} (ceremony ${request.ceremony}, ${Buffer.byteLength(text)} bytes, sha256 ${sha256Hex(text)}) to ${where}`,
  );
  for (const role of request.roles)
    info(`  ${role.role} v${role.version}: sha256 of the bytes to sign ${role.sha256}`);
  info(
    'on the offline machine: tuf-ceremony sign-offline REQUEST --key-ref REF --out RESPONSE; then here: tuf-ceremony sign --import RESPONSE',
  );
  return 0;
}
