import type { JsonObject } from '../../metadata/json.js';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { enrollKey, type EnrolledKey } from '../../ceremony/enrolled-key.js';
import { activeKeys, sameKeyElsewhere } from '../../ceremony/one-vote.js';
import { CeremonyError } from '../../metadata/errors.js';
import { keyFingerprintDigest, keyFromPublicKeyObject } from '../../metadata/keys.js';
import { keyPictureLines } from '../fingerprint-text.js';
import type { Key } from '../../metadata/model.js';
import { formatExpiry } from '../../metadata/time.js';
import { enrolledKeyFile, saveEnrolledKey } from '../../repo/enrolled-keys-store.js';
import { fileRefPath } from '../../signing/file-key-resolver.js';
import { readKeyFilePublicKey, writeEncryptedKeyFile } from '../../signing/key-file.js';
import { keyRefScheme } from '../../signing/key-ref.js';
import { generatePrivateKey, type SoftwareAlgorithm } from '../../signing/software-signer.js';
import {
  boolFlag,
  stringFlag,
  type Command,
  type CommandContext,
  type ParsedArgs,
  JSON_OPTION,
} from '../command.js';
import { unexpectedArgument } from '../positionals.js';
import { DIR_OPTION, ceremonyDir, loadCeremony, unknownHolder } from '../ceremony-context.js';
import { crashPoint } from '../crash-points.js';
import { SECRET_OPTIONS } from '../secrets.js';
import { continueWithKeyFile, enrollmentRecorded, existingKeyFile } from '../key-add-resume.js';
import { terminalPrompter } from '../prompt.js';
import { keyFileCost } from '../key-file-cost.js';
import { askNewPassphrase } from '../secrets.js';
import { recordEvent } from '../transcript.js';
import { enrollHardwareKey, HSM_OPTIONS } from '../hsm-enroll.js';
import { refuseKeyInsideCeremony } from '../key-location.js';
import { loadLocalKeyRef, saveLocalKeyRef } from '../../signing/local-key-refs.js';

const ALGORITHMS: Record<string, SoftwareAlgorithm> = {
  ed25519: 'ed25519',
  'ecdsa-p256': 'ecdsa-p256',
};

/** Where generated key files go when --key-file is not given (outside the ceremony repository). */
function defaultKeyDir(ctx: CommandContext): string {
  return ctx.env.TUF_CEREMONY_KEY_DIR ?? join(homedir(), '.tuf-ceremony', 'keys');
}

async function generateSoftwareKey(
  ctx: CommandContext,
  args: ParsedArgs,
  holder: string,
  algorithm: SoftwareAlgorithm,
  ceremonyRoot: string,
): Promise<{ key: Key; ref: string; resumed?: boolean }> {
  const flagged = stringFlag(args, 'key-file');
  if (flagged !== undefined)
    await refuseKeyInsideCeremony(ceremonyRoot, resolve(ctx.cwd, flagged), '--key-file ');
  const existing = await existingKeyFile(ctx, args);
  if (existing !== undefined) return await continueWithKeyFile(ctx, args, holder, existing);
  const stamp = formatExpiry(ctx.now()).replace(/[-:]/g, '').slice(0, 15);
  const path = resolve(
    ctx.cwd,
    stringFlag(args, 'key-file') ?? join(defaultKeyDir(ctx), `${holder}-${algorithm}-${stamp}.key`),
  );
  await refuseKeyInsideCeremony(ceremonyRoot, path, '--key-file ');
  const privateKey: KeyObject = generatePrivateKey(algorithm);
  const key = keyFromPublicKeyObject(createPublicKey(privateKey));
  const passphrase = await askNewPassphrase(
    ctx,
    args,
    terminalPrompter(),
    `${holder}'s new key file ${path}`,
  );
  // Private keys only ever reach the disk encrypted (scrypt + AES-256-GCM).
  await writeEncryptedKeyFile(path, privateKey, passphrase, keyFileCost(ctx, path));
  crashPoint('key-add:after-key-file');
  return { key, ref: `file:${path}` };
}

async function existingKey(
  ctx: CommandContext,
  ref: string,
  ceremonyRoot: string,
): Promise<{ key: Key; ref: string }> {
  if (keyRefScheme(ref) !== 'file') {
    throw new CeremonyError('USAGE', `--key-ref ${ref}: use --hsm URI for hardware keys`);
  }
  const path = fileRefPath(ref, ctx.cwd);
  await refuseKeyInsideCeremony(ceremonyRoot, path, '--key-ref file:');
  return { key: keyFromPublicKeyObject(await readKeyFilePublicKey(path)), ref: `file:${path}` };
}

/**
 * The holder's active keys a new enrollment retires: none, or with `--replace` all of them. One
 * holder has one vote, so a second active key is refused without `--replace`; nothing is written.
 */
function keysToReplace(
  keys: readonly EnrolledKey[],
  holder: string,
  replace: boolean,
): EnrolledKey[] {
  const current = activeKeys(keys).filter((k) => k.holder === holder);
  const ids = current.map((k) => k.keyid.slice(0, 8)).join(', ');
  if (current.length > 0 && !replace) {
    throw new CeremonyError(
      'STATE_INVALID',
      `${holder} already has an active key (${ids}): one holder has one vote; pass --replace to enroll a new key and retire the old one at the next stage; nothing was written`,
    );
  }
  if (current.length === 0 && replace) {
    throw new CeremonyError('USAGE', `--replace: ${holder} has no active key to replace`);
  }
  return current;
}

/** `tuf-ceremony key add`: generates or enrolls a holder's key and records its public part. */
export const keyAddCommand: Command = {
  name: 'key add',
  examples: [
    'tuf-ceremony key add --holder alice --generate ed25519 --key-file ../keys/alice.key --passphrase-env ALICE_PASS',
    'tuf-ceremony key add --holder bob --hsm pkcs11:token=bob --generate ecdsa-p256 --pin-env BOB_PIN',
  ],
  positionals: true,
  summary: 'generate or enroll a key for a holder; records public key, keyid and fingerprint',
  usage:
    'tuf-ceremony key add --holder NAME [--dir DIR] [--replace] (--generate ed25519|ecdsa-p256 [--key-file PATH] [--passphrase-env VAR] | --key-ref file:PATH | --hsm [pkcs11:URI] [--generate ALG] [--key-label LABEL] [--module PATH] [--pin-env VAR]) [--json]',
  options: {
    ...DIR_OPTION,
    ...SECRET_OPTIONS,
    ...HSM_OPTIONS,
    holder: {
      type: 'string',
      valueName: 'NAME',
      description: 'the holder (from ceremony.yaml) the key belongs to (required)',
    },
    generate: {
      type: 'string',
      valueName: 'ed25519|ecdsa-p256',
      description:
        'generate a new key of this type (encrypted key file, or on the token with --hsm)',
    },
    'key-file': {
      type: 'string',
      valueName: 'PATH',
      description: 'where to write the generated encrypted key file (outside the repository)',
    },
    'key-ref': {
      type: 'string',
      valueName: 'REF',
      description:
        'enroll an existing key by reference (file:PATH, pkcs11:URI, ...; docs/key-references.md)',
    },
    replace: {
      type: 'boolean',
      description:
        "retire the holder's current key in favour of the new one (rotated out at the next stage)",
    },
    ...JSON_OPTION,
  },
  async run(ctx, args) {
    const holder = stringFlag(args, 'holder');
    if (!holder) throw new CeremonyError('USAGE', 'key add needs --holder NAME');
    const loaded = await loadCeremony(ceremonyDir(ctx, args));
    if (!Object.prototype.hasOwnProperty.call(loaded.plan.holders, holder)) {
      throw unknownHolder(loaded.plan, holder);
    }
    if (!boolFlag(args, 'hsm') && args.positionals.length > 0) {
      throw unexpectedArgument(args.positionals[0], keyAddCommand.usage);
    }
    // A key an interrupted run of this command already enrolled is not the one it replaces.
    const resuming = await existingKeyFile(ctx, args);
    const resumed = new Set<string>();
    for (const k of resuming === undefined ? [] : loaded.keys) {
      const ref = (await loadLocalKeyRef(ctx.env, k.keyid)) ?? k.key_ref;
      if (ref === `file:${resuming ?? ''}`) resumed.add(k.keyid);
    }
    const replaced = keysToReplace(
      loaded.keys.filter((k) => !resumed.has(k.keyid)),
      holder,
      boolFlag(args, 'replace'),
    );
    const generate = stringFlag(args, 'generate');
    const keyRef = stringFlag(args, 'key-ref');
    let result: { key: Key; ref: string; attestation?: JsonObject; resumed?: boolean };
    if (boolFlag(args, 'hsm')) {
      result = await enrollHardwareKey(ctx, args, holder, generate);
    } else if (generate !== undefined) {
      const algorithm = ALGORITHMS[generate];
      if (!algorithm)
        throw new CeremonyError('USAGE', `--generate ${generate}: choose ed25519 or ecdsa-p256`);
      if (keyRef) throw new CeremonyError('USAGE', 'give either --generate or --key-ref, not both');
      result = await generateSoftwareKey(ctx, args, holder, algorithm, loaded.paths.root);
    } else if (keyRef) {
      result = await existingKey(ctx, keyRef, loaded.paths.root);
    } else {
      throw new CeremonyError('USAGE', 'key add needs --generate ALG, --key-ref REF or --hsm');
    }
    const record = enrollKey(holder, result.key, result.ref, formatExpiry(ctx.now()));
    if (result.attestation !== undefined) record.attestation = result.attestation;
    const enrolled = loaded.keys.some((k) => k.keyid === record.keyid);
    const unrecorded =
      result.resumed === true && enrolled && !(await enrollmentRecorded(ctx, loaded, record));
    if (enrolled && !unrecorded) {
      throw new CeremonyError(
        'STATE_INVALID',
        `key ${record.keyid.slice(0, 8)} is already enrolled for ${holder}`,
      );
    }
    // One holder, one vote: the new key may not be another holder's key either.
    const twin = sameKeyElsewhere(loaded.keys, record);
    if (twin !== undefined) {
      throw new CeremonyError(
        'STATE_INVALID',
        `${twin.holder} already enrolled this public key (${twin.keyid.slice(0, 8)}): one key would count for two holders; each holder enrolls their own key; nothing was written`,
      );
    }
    // Where the key lives stays on this machine: the committed record names only the scheme.
    const refFile = await saveLocalKeyRef(ctx.env, record.keyid, result.ref);
    const file = enrolled
      ? enrolledKeyFile(loaded.paths, record)
      : await saveEnrolledKey(loaded.paths, record);
    crashPoint('key-add:after-enroll');
    for (const old of replaced) {
      const reason = `replaced by ${record.keyid.slice(0, 8)}`;
      await saveEnrolledKey(
        loaded.paths,
        { ...old, retired_at: formatExpiry(ctx.now()), retired_reason: reason },
        true,
      );
      await recordEvent(loaded.paths, holder, ctx.now(), 'key.enrolled', undefined, {
        holder,
        keyid: old.keyid,
        retired: true,
        reason,
      });
    }
    await recordEvent(loaded.paths, holder, ctx.now(), 'key.enrolled', undefined, {
      holder,
      keyid: record.keyid,
      fingerprint: record.fingerprint,
      keytype: record.key.keytype,
      key_ref_scheme: keyRefScheme(result.ref),
      ...(result.attestation === undefined ? {} : { attestation: result.attestation }),
    });
    if (boolFlag(args, 'json')) {
      ctx.out(
        JSON.stringify(
          {
            holder,
            keyid: record.keyid,
            fingerprint: record.fingerprint,
            key_ref: result.ref,
            key_ref_file: refFile,
            file,
          },
          null,
          2,
        ),
      );
    } else {
      ctx.out(`enrolled ${record.key.keytype} key for ${holder}`);
      ctx.out(`  keyid:       ${record.keyid}`);
      ctx.out(`  fingerprint: ${record.fingerprint}`);
      ctx.out(`  key ref:     ${result.ref} (kept on this machine in ${refFile})`);
      ctx.out(keyPictureLines(holder, keyFingerprintDigest(record.key)).join('\n'));
      for (const old of replaced)
        ctx.out(
          `retired ${holder}'s previous key ${old.keyid.slice(0, 8)}; the next tuf-ceremony stage rotates it out (the old root's threshold still signs the rotation)`,
        );
    }
    return 0;
  },
};
