import { authoritiesFor } from '../ceremony/authority.js';
import { planRecordsDir } from '../repo/plan-record.js';
import type { EnrolledKey } from '../ceremony/enrolled-key.js';
import type { ResponseSignature } from '../ceremony/offline-format.js';
import { parseSigningResponse } from '../ceremony/offline-parse.js';
import { storeSignature, type HolderSignatures, type StagedDraft } from '../ceremony/staging.js';
import { CeremonyError } from '../metadata/errors.js';
import { publicKeyHandle } from '../metadata/keys.js';
import { printable } from '../metadata/printable.js';
import { checkSignature } from '../metadata/signature-check.js';
import { formatExpiry } from '../metadata/time.js';
import { writeHolderSignatures } from '../repo/staging-store.js';
import type { CommandContext, ParsedArgs } from './command.js';
import { ceremonyDir, loadCeremony, requireStaging, statusOf } from './ceremony-context.js';
import { refuseDrift } from './plan-drift.js';
import { requireHolderKeys } from './holder-check.js';
import { MAX_RESPONSE_BYTES, readDocument } from './offline-io.js';
import { renderStatus } from './status-text.js';
import { recordEvent } from './transcript.js';

/** A response signature that passed every check and is not stored yet. */
interface Checked {
  signature: ResponseSignature;
  draft: StagedDraft;
  enrolled: EnrolledKey;
  labels: string[];
}

function short(hex: string): string {
  return `${hex.slice(0, 16)}…`;
}

/**
 * `sign --import RESPONSE`: checks a signing response against the staged drafts (bytes no longer
 * staged are refused as stale, naming the role), verifies every signature and stores them as
 * `sign` does. Everything is checked before anything is written; importing twice changes nothing.
 */
export async function importSigningResponse(
  ctx: CommandContext,
  args: ParsedArgs,
  spec: string,
): Promise<number> {
  const loaded = await loadCeremony(ceremonyDir(ctx, args));
  const staging = requireStaging(loaded);
  await refuseDrift(loaded, 'nothing was imported', planRecordsDir(ctx.env));
  const { bytes, name } = await readDocument(ctx, spec, MAX_RESPONSE_BYTES, 'signing response');
  const response = parseSigningResponse(bytes, name);
  const id = staging.ceremony.id;
  if (response.ceremony !== id) {
    throw new CeremonyError(
      'STATE_INVALID',
      `${name}: stale: signed for ceremony "${printable(response.ceremony)}", the staged ceremony is ${id}; nothing was imported`,
    );
  }
  const holder = response.holder;
  const holderKeys = requireHolderKeys(loaded, holder);
  const file: HolderSignatures = staging.holders.find((h) => h.holder === holder) ?? {
    holder,
    signatures: {},
  };
  const fresh: Checked[] = [];
  response.signatures.forEach((signature, i) => {
    const role = printable(signature.role);
    const at = `${name}: signatures[${i}] (${role})`;
    const draft = staging.drafts.get(signature.role);
    if (!draft) {
      throw new CeremonyError(
        'STATE_INVALID',
        `${at}: stale: ${role} is not staged in ceremony ${id}`,
      );
    }
    if (draft.sha256 !== signature.signed_sha256) {
      throw new CeremonyError(
        'STATE_INVALID',
        `${at}: stale: ${role} was signed over sha256 ${short(signature.signed_sha256)}, the staged bytes are ${short(draft.sha256)}; export a new request`,
      );
    }
    const enrolled = holderKeys.find((k) => k.keyid === signature.keyid);
    if (!enrolled || enrolled.retired_reason === 'compromised') {
      throw new CeremonyError(
        'KEY_MISMATCH',
        `${at}: key ${signature.keyid.slice(0, 8)} is not an usable enrolled key of ${holder}`,
      );
    }
    // spec 5.3.4 / 5.6: the key must count for an authority of this role (old or new root, ...).
    const labels = authoritiesFor(signature.role, staging.drafts, loaded.published)
      .filter((a) => a.roleKeys.keyids.includes(enrolled.keyid))
      .map((a) => a.label);
    if (labels.length === 0) {
      throw new CeremonyError(
        'KEY_MISMATCH',
        `${at}: key ${enrolled.keyid.slice(0, 8)} may not sign ${role}`,
      );
    }
    // spec 5.3.x: a signature is over the canonical bytes of `signed`; verify before storing.
    if (!checkSignature(publicKeyHandle(enrolled.key), draft.canonical, signature.sig)) {
      throw new CeremonyError(
        'SIGNATURE_INVALID',
        `${at}: the signature does not verify with ${holder}'s key ${enrolled.keyid.slice(0, 8)}; nothing was imported`,
      );
    }
    const stored = (file.signatures[signature.role] ?? []).some(
      (s) => s.keyid === signature.keyid && s.signed_sha256 === signature.signed_sha256,
    );
    const repeated = fresh.some(
      (c) => c.signature.role === signature.role && c.signature.keyid === signature.keyid,
    );
    if (!stored && !repeated) fresh.push({ signature, draft, enrolled, labels });
  });
  if (fresh.length === 0) {
    ctx.out(`every signature in ${name} is already stored; nothing changed`);
  }
  for (const { signature, draft, enrolled, labels } of fresh) {
    storeSignature(file, signature.role, signature, draft, formatExpiry(ctx.now()));
    await writeHolderSignatures(loaded.paths, file);
    await recordEvent(loaded.paths, holder, ctx.now(), 'signature.imported', id, {
      holder,
      role: signature.role,
      keyid: signature.keyid,
      signed_sha256: draft.sha256,
      request_sha256: response.request_sha256,
      counts_for: labels,
    });
    ctx.out(
      `imported ${holder}'s signature of ${signature.role} v${draft.metadata.signed.version} with ${enrolled.keyid.slice(0, 8)} (${labels.join(', ')}); verified`,
    );
  }
  for (const line of renderStatus(statusOf(await loadCeremony(loaded.paths.root)))) ctx.out(line);
  return 0;
}
