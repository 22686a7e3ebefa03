import { basename } from 'node:path';
import {
  OFFLINE_FORMAT_VERSION,
  RESPONSE_FORMAT,
  type RequestKey,
  type ResponseSignature,
  type SigningRequest,
  type SigningResponse,
} from '../../ceremony/offline-format.js';
import { parseSigningRequest } from '../../ceremony/offline-parse.js';
import { sha256Hex } from '../../metadata/bytes.js';
import { CeremonyError } from '../../metadata/errors.js';
import { keyFingerprint, publicKeyHandle } from '../../metadata/keys.js';
import { printable } from '../../metadata/printable.js';
import { prettyJson } from '../../metadata/serialize.js';
import { signAndCheck } from '../../metadata/sign.js';
import type { Signer } from '../../metadata/signer.js';
import { FileKeyResolver } from '../../signing/file-key-resolver.js';
import { KeyRefRegistry, type ClosableSigner } from '../../signing/key-ref.js';
import {
  boolFlag,
  stringFlag,
  stringList,
  type Command,
  type CommandContext,
  type ParsedArgs,
} from '../command.js';
import { confirmOrRefuse } from '../confirm.js';
import { MAX_REQUEST_BYTES, readDocument, writeDocument } from '../offline-io.js';
import { terminalPrompter } from '../prompt.js';
import { SECRET_OPTIONS, secretSourceFor } from '../secrets.js';

// Runs on the air-gapped machine: no ceremony directory, no git, no network. It imports only
// the pure core, the signers and file helpers (PKCS#11 is loaded only for a pkcs11: reference).

function offlineRegistry(ctx: CommandContext, args: ParsedArgs): KeyRefRegistry {
  const modulePath = stringFlag(args, 'module');
  return new KeyRefRegistry([
    new FileKeyResolver(ctx.cwd),
    {
      scheme: 'pkcs11',
      open: async (ref, secrets, expected) => {
        const { openPkcs11Signer } = await import('../../hsm/signer.js');
        return openPkcs11Signer(
          ref,
          secrets,
          expected,
          modulePath === undefined ? {} : { modulePath },
        );
      },
    },
  ]);
}

/** The signer under the request's key (its keyid and custom fields), over the token or file key. */
function asRequestKey(signer: ClosableSigner, expected: RequestKey): Signer {
  return {
    key: expected.key,
    keyid: expected.keyid,
    sign: async (bytes) => ({ keyid: expected.keyid, sig: (await signer.sign(bytes)).sig }),
  };
}

function defaultResponseName(requestSpec: string, holder: string): string {
  if (requestSpec === '-') return `${holder}.response.json`;
  return basename(requestSpec).replace(/(\.request)?(\.json)?$/, '') + '.response.json';
}

/**
 * True for a key file whose passphrase comes from the environment: opening it asks nothing and
 * may start before the review is shown. Tokens are still opened after the confirmation, so a
 * declined request never spends one of the token's PIN tries.
 */
function unlocksWithoutAsking(ref: string, args: ParsedArgs): boolean {
  return ref.startsWith('file:') && stringFlag(args, 'passphrase-env') !== undefined;
}

/** A signer being opened ahead of use; its failure is reported only where it is awaited. */
function openedAhead(opening: Promise<ClosableSigner>): Promise<ClosableSigner> {
  opening.catch(() => undefined);
  return opening;
}

/** Signs each role of the request the signer's key is expected for, verifying each signature. */
async function signExpectedRoles(
  request: SigningRequest,
  drafts: readonly ({ canonical: Uint8Array } | undefined)[],
  signer: ClosableSigner,
  ref: string,
  info: (line: string) => void,
): Promise<ResponseSignature[]> {
  const signatures: ResponseSignature[] = [];
  const identity = publicKeyHandle(signer.key).identity;
  request.roles.forEach((role, i) => {
    const draft = drafts[i];
    for (const key of role.keys) {
      if (draft && publicKeyHandle(key.key).identity === identity)
        signatures.push({
          role: role.role,
          version: role.version,
          signed_sha256: role.sha256,
          keyid: key.keyid,
          sig: '',
        });
    }
  });
  if (signatures.length === 0) {
    const wanted = [...new Set(request.roles.flatMap((r) => r.keys.map((k) => k.fingerprint)))];
    throw new CeremonyError(
      'KEY_MISMATCH',
      `${ref}: holds the key with fingerprint ${keyFingerprint(signer.key)}, which the request does not expect (expected: ${wanted.join(', ')}); nothing was signed`,
    );
  }
  for (const s of signatures) {
    const index = request.roles.findIndex((r) => r.role === s.role);
    const role = request.roles[index];
    const draft = drafts[index];
    const key = role?.keys.find((k) => k.keyid === s.keyid);
    if (!draft || !key) continue;
    // Sign, then verify at once against the public key the request expects.
    s.sig = (await signAndCheck(asRequestKey(signer, key), draft.canonical)).sig;
    info(`signed ${printable(s.role)} v${s.version} with ${s.keyid.slice(0, 8)}; verified`);
  }
  return signatures;
}

/** `tuf-ceremony sign-offline REQUEST --key-ref REF`: signs a signing request on an offline machine. */
export const signOfflineCommand: Command = {
  name: 'sign-offline',
  summary: 'sign a signing request on an air-gapped machine (no ceremony, git or network needed)',
  usage:
    'tuf-ceremony sign-offline REQUEST --key-ref REF [--passphrase-env VAR | --pin-env VAR] [--out RESPONSE] [--yes] [--expect-sha256 HASH]... [--qr]',
  description:
    'Shows the review and the sha256 of each role in REQUEST (a file written by sign --export, or - for stdin), asks for confirmation, signs with the key, verifies each signature against the public key the request expects and writes a response for sign --import.',
  examples: [
    'tuf-ceremony sign-offline /media/usb/alice.request.json --key-ref file:/secure/alice.key --out /media/usb/alice.response.json',
    "tuf-ceremony sign-offline alice.request.json --key-ref 'pkcs11:token=alice;object=root-key' --pin-env ALICE_PIN --yes",
  ],
  positionals: true,
  options: {
    'key-ref': {
      type: 'string',
      valueName: 'REF',
      description: 'where the private key is: file:PATH (encrypted key file) or pkcs11:URI',
    },
    ...SECRET_OPTIONS,
    out: {
      type: 'string',
      valueName: 'RESPONSE',
      description: 'where to write the response (- for stdout; default REQUEST.response.json here)',
    },
    'expect-sha256': {
      type: 'string',
      multiple: true,
      valueName: 'HASH',
      description: 'refuse unless each role to sign has one of these sha256 values',
    },
    qr: { type: 'boolean', description: 'also print the response as QR codes' },
    yes: { type: 'boolean', short: 'y', description: 'sign without asking for confirmation' },
  },
  async run(ctx, args) {
    const [requestSpec, ...extra] = args.positionals;
    if (requestSpec === undefined || extra.length > 0)
      throw new CeremonyError(
        'USAGE',
        `sign-offline takes one REQUEST file (usage: ${this.usage})`,
      );
    const ref = stringFlag(args, 'key-ref');
    if (ref === undefined) throw new CeremonyError('USAGE', 'sign-offline needs --key-ref REF');
    const openSigner = (): Promise<ClosableSigner> =>
      offlineRegistry(ctx, args).open(ref, secretSourceFor(ctx, args, terminalPrompter()));
    // With the secret in the environment nothing is asked, so the key is unlocked (a key file's
    // scrypt takes about half a second) while the request is read and reviewed. Nothing is
    // signed before the holder confirms; a signer opened for nothing is closed.
    const early = unlocksWithoutAsking(ref, args) ? openedAhead(openSigner()) : undefined;
    let handedOver = false;
    try {
      const { bytes, name } = await readDocument(
        ctx,
        requestSpec,
        MAX_REQUEST_BYTES,
        'signing request',
      );
      const requestSha256 = sha256Hex(bytes);
      const { request, drafts } = parseSigningRequest(bytes, name);
      const outSpec = stringFlag(args, 'out') ?? defaultResponseName(requestSpec, request.holder);
      const info = outSpec === '-' ? ctx.err : ctx.out;
      info(`signing request ${name} (sha256 ${requestSha256})`);
      info(
        `trust root ${printable(request.trust_root)}, ceremony ${printable(request.ceremony)}, holder ${request.holder}, builds on root v${request.published_root_version}`,
      );
      for (const role of request.roles) {
        for (const line of role.review) info(printable(line));
        for (const key of role.keys)
          info(
            `  sign with key ${key.keyid.slice(0, 8)} (fingerprint ${key.fingerprint}) for ${printable(key.counts_for.join(', '))}`,
          );
      }
      const expected = stringList(args, 'expect-sha256');
      for (const role of request.roles) {
        if (expected.length > 0 && !expected.includes(role.sha256)) {
          throw new CeremonyError(
            'STATE_INVALID',
            `${printable(role.role)}: the bytes to sign have sha256 ${role.sha256}, not one of the --expect-sha256 values; nothing was signed`,
          );
        }
      }
      const roleList = request.roles.map((r) => printable(r.role)).join(', ');
      await confirmOrRefuse(ctx, args, `Sign ${roleList} as ${request.holder}?`);
      const signer = await (early ?? openSigner());
      handedOver = true;
      let signatures: ResponseSignature[];
      try {
        signatures = await signExpectedRoles(request, drafts, signer, ref, info);
      } finally {
        await signer.close();
      }
      const unsigned = request.roles.filter((r) => !signatures.some((s) => s.role === r.role));
      for (const r of unsigned)
        info(
          `not signed: ${printable(r.role)} expects another key (${r.keys.map((k) => k.fingerprint).join(', ')})`,
        );
      const response: SigningResponse = {
        format: RESPONSE_FORMAT,
        version: OFFLINE_FORMAT_VERSION,
        ceremony: request.ceremony,
        holder: request.holder,
        request_sha256: requestSha256,
        signatures,
      };
      const where = await writeDocument(
        ctx,
        outSpec,
        prettyJson(response),
        `signing response of ${request.holder}`,
        boolFlag(args, 'qr'),
      );
      info(
        `wrote the response (${signatures.length} signature(s), no secrets) to ${where}; on the connected machine: tuf-ceremony sign --import RESPONSE`,
      );
      return 0;
    } finally {
      if (early && !handedOver)
        await early.then(
          (s) => s.close(),
          () => undefined,
        );
    }
  },
};
