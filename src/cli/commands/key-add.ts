import type { JsonObject } from '../../metadata/json.js';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { enrollKey, type EnrolledKey } from '../../ceremony/enrolled-key.js';
import { CeremonyError, isCeremonyError } from '../../metadata/errors.js';
import { keyFromPublicKeyObject } from '../../metadata/keys.js';
import type { Key } from '../../metadata/model.js';
import { formatExpiry } from '../../metadata/time.js';
import { enrolledKeyFile, saveEnrolledKey } from '../../repo/enrolled-keys-store.js';
import { pathExists } from '../../repo/path-exists.js';
import { FileKeyResolver, fileRefPath } from '../../signing/file-key-resolver.js';
import { readKeyFilePublicKey, writeEncryptedKeyFile } from '../../signing/key-file.js';
import { keyRefScheme } from '../../signing/key-ref.js';
import { generatePrivateKey, type SoftwareAlgorithm } from '../../signing/software-signer.js';
import {
  boolFlag,
  stringFlag,
  type Command,
  type CommandContext,
  type ParsedArgs,
} from '../command.js';
import { DIR_OPTION, ceremonyDir, loadCeremony, type LoadedCeremony } from '../ceremony-context.js';
import { crashPoint } from '../crash-points.js';
import { SECRET_OPTIONS } from '../key-access.js';
import { terminalPrompter } from '../prompt.js';
import { askNewPassphrase, secretSourceFor } from '../secrets.js';
import { openCeremonyHasEvent, recordEvent } from '../transcript.js';
import { enrollHardwareKey, HSM_OPTIONS } from '../hsm-enroll.js';

const ALGORITHMS: Record<string, SoftwareAlgorithm> = {
  ed25519: 'ed25519',
  'ecdsa-p256': 'ecdsa-p256',
};

/** Where generated key files go when --key-file is not given (outside the ceremony repository). */
function defaultKeyDir(ctx: CommandContext): string {
  return ctx.env.TUF_CEREMONY_KEY_DIR ?? join(homedir(), '.tuf-ceremony', 'keys');
}

/** A generated key file; `resumed` when an interrupted run had already written it. */
interface GeneratedKey {
  key: Key;
  ref: string;
  resumed: boolean;
}

async function generateSoftwareKey(
  ctx: CommandContext,
  args: ParsedArgs,
  holder: string,
  algorithm: SoftwareAlgorithm,
): Promise<GeneratedKey> {
  const privateKey: KeyObject = generatePrivateKey(algorithm);
  const key = keyFromPublicKeyObject(createPublicKey(privateKey));
  const stamp = formatExpiry(ctx.now()).replace(/[-:]/g, '').slice(0, 15);
  const path = resolve(
    ctx.cwd,
    stringFlag(args, 'key-file') ?? join(defaultKeyDir(ctx), `${holder}-${algorithm}-${stamp}.key`),
  );
  if (stringFlag(args, 'key-file') !== undefined && (await pathExists(path))) {
    return await continueWithKeyFile(ctx, args, holder, path);
  }
  const passphrase = await askNewPassphrase(
    ctx,
    args,
    terminalPrompter(),
    `${holder}'s new key file ${path}`,
  );
  // Private keys only ever reach the disk encrypted (scrypt + AES-256-GCM).
  await writeEncryptedKeyFile(path, privateKey, passphrase);
  crashPoint('key-add:after-key-file');
  return { key, ref: `file:${path}`, resumed: false };
}

/**
 * A rerun of `key add --generate --key-file PATH` after a run that wrote PATH and was stopped
 * before enrolling it: the file opens with the holder's passphrase (so it is theirs and whole),
 * and its key is enrolled instead of a new one. A file that does not open is never replaced.
 */
async function continueWithKeyFile(
  ctx: CommandContext,
  args: ParsedArgs,
  holder: string,
  path: string,
): Promise<GeneratedKey> {
  const secrets = secretSourceFor(ctx, args, terminalPrompter());
  let signer;
  try {
    signer = await new FileKeyResolver(ctx.cwd).open(`file:${path}`, secrets);
  } catch (err) {
    if (!isCeremonyError(err, 'SECRET_INVALID')) throw err;
    throw new CeremonyError(
      'IO',
      `${path}: already exists and does not open with ${holder}'s passphrase; refusing to overwrite it`,
    );
  }
  await signer.close();
  ctx.err(`${path} already exists (an earlier run was stopped): enrolling the key it holds`);
  return { key: signer.key, ref: `file:${path}`, resumed: true };
}

async function existingKey(ctx: CommandContext, ref: string): Promise<{ key: Key; ref: string }> {
  if (keyRefScheme(ref) !== 'file') {
    throw new CeremonyError('USAGE', `--key-ref ${ref}: use --hsm URI for hardware keys`);
  }
  const path = fileRefPath(ref, ctx.cwd);
  return { key: keyFromPublicKeyObject(await readKeyFilePublicKey(path)), ref: `file:${path}` };
}

/** Whether the open ceremony's transcript records the enrollment of this key. */
async function enrollmentRecorded(
  ctx: CommandContext,
  loaded: LoadedCeremony,
  record: EnrolledKey,
): Promise<boolean> {
  return openCeremonyHasEvent(
    loaded.paths,
    ctx.now(),
    'key.enrolled',
    (data) => data.keyid === record.keyid,
  );
}

/** `tuf-ceremony key add`: generates or enrolls a holder's key and records its public part. */
export const keyAddCommand: Command = {
  name: 'key add',
  positionals: true,
  summary: 'generate or enroll a key for a holder; records public key, keyid and fingerprint',
  usage:
    'tuf-ceremony key add --holder NAME [--dir DIR] (--generate ed25519|ecdsa-p256 [--key-file PATH] [--passphrase-env VAR] | --key-ref file:PATH | --hsm [pkcs11:URI] [--generate ALG] [--key-label LABEL] [--module PATH] [--pin-env VAR]) [--json]',
  options: {
    ...DIR_OPTION,
    ...SECRET_OPTIONS,
    ...HSM_OPTIONS,
    holder: { type: 'string' },
    generate: { type: 'string' },
    'key-file': { type: 'string' },
    'key-ref': { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(ctx, args) {
    const holder = stringFlag(args, 'holder');
    if (!holder) throw new CeremonyError('USAGE', 'key add needs --holder NAME');
    const loaded = await loadCeremony(ceremonyDir(ctx, args));
    if (!Object.prototype.hasOwnProperty.call(loaded.plan.holders, holder)) {
      throw new CeremonyError(
        'USAGE',
        `${loaded.plan.file}: no holder named "${holder}" (holders: ${Object.keys(loaded.plan.holders).join(', ')})`,
      );
    }
    if (!boolFlag(args, 'hsm') && args.positionals.length > 0) {
      throw new CeremonyError(
        'USAGE',
        `unexpected argument "${args.positionals[0] ?? ''}" (usage: ${keyAddCommand.usage})`,
      );
    }
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
      result = await generateSoftwareKey(ctx, args, holder, algorithm);
    } else if (keyRef) {
      result = await existingKey(ctx, keyRef);
    } else {
      throw new CeremonyError('USAGE', 'key add needs --generate ALG, --key-ref REF or --hsm');
    }
    const record = enrollKey(holder, result.key, result.ref, formatExpiry(ctx.now()));
    if (result.attestation !== undefined) record.attestation = result.attestation;
    const enrolled = loaded.keys.some((k) => k.keyid === record.keyid);
    if (
      enrolled &&
      !(result.resumed === true && !(await enrollmentRecorded(ctx, loaded, record)))
    ) {
      throw new CeremonyError(
        'STATE_INVALID',
        `key ${record.keyid.slice(0, 8)} is already enrolled for ${holder}`,
      );
    }
    const file = enrolled
      ? enrolledKeyFile(loaded.paths, record)
      : await saveEnrolledKey(loaded.paths, record);
    crashPoint('key-add:after-enroll');
    await recordEvent(loaded.paths, holder, ctx.now(), 'key.enrolled', undefined, {
      holder,
      keyid: record.keyid,
      fingerprint: record.fingerprint,
      keytype: record.key.keytype,
      key_ref_scheme: keyRefScheme(record.key_ref),
      ...(result.attestation === undefined ? {} : { attestation: result.attestation }),
    });
    if (boolFlag(args, 'json')) {
      ctx.out(
        JSON.stringify(
          {
            holder,
            keyid: record.keyid,
            fingerprint: record.fingerprint,
            key_ref: record.key_ref,
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
      ctx.out(`  key ref:     ${record.key_ref}`);
    }
    return 0;
  },
};
