import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { verifyYubiKeyAttestation, type YubiKeyAttestation } from '../../hsm/attestation.js';
import { readTokenPublicKey } from '../../hsm/list.js';
import { CeremonyError } from '../../metadata/errors.js';
import { isJsonObject } from '../../metadata/json.js';
import { jsonNestingDepth, MAX_JSON_DEPTH } from '../../metadata/json-depth.js';
import type { Key } from '../../metadata/model.js';
import {
  boolFlag,
  EXIT,
  stringFlag,
  type Command,
  type ParsedArgs,
  JSON_OPTION,
} from '../command.js';

const USAGE =
  'tuf-ceremony hsm attest --attestation FILE --intermediate FILE --root FILE ' +
  '(--key-file keys/HOLDER/KEYID.json | --uri pkcs11:URI [--module PATH]) [--json]';

function usage(message: string): CeremonyError {
  return new CeremonyError('USAGE', `${message} (usage: ${USAGE})`);
}

async function readText(cwd: string, args: ParsedArgs, flag: string): Promise<string> {
  const file = stringFlag(args, flag);
  if (file === undefined) throw usage(`--${flag} FILE is required`);
  try {
    return await readFile(resolve(cwd, file), 'utf8');
  } catch (err) {
    throw usage(`--${flag} ${file}: ${(err as NodeJS.ErrnoException).code ?? 'cannot be read'}`);
  }
}

function keyOfJson(text: string, file: string): Key {
  let value: unknown;
  try {
    if (jsonNestingDepth(text) > MAX_JSON_DEPTH) throw new SyntaxError('nested too deep');
    value = JSON.parse(text);
  } catch {
    throw usage(`--key-file ${file} is not JSON`);
  }
  // An enrolled key file (keys/<holder>/<keyid>.json) or a bare TUF key object.
  const key = isJsonObject(value) && isJsonObject(value.key) ? value.key : value;
  if (!isJsonObject(key) || !isJsonObject(key.keyval) || typeof key.keyval.public !== 'string') {
    throw usage(`--key-file ${file} holds no TUF key object`);
  }
  return key as unknown as Key;
}

/** Text form of a verified attestation. */
export function renderAttestation(a: YubiKeyAttestation): string[] {
  const facts = [
    a.serial === undefined ? 'serial not reported (firmware < 5)' : `serial ${a.serial}`,
    `firmware ${a.firmware ?? 'unknown'}`,
    ...(a.slot === undefined ? [] : [`slot ${a.slot}`]),
    `PIN policy ${a.pinPolicy ?? 'unknown'}`,
    `touch policy ${a.touchPolicy ?? 'unknown'}`,
  ];
  return [
    `attestation verified: YubiKey ${facts.join(', ')}`,
    `key fingerprint ${a.keyFingerprint} was generated on this YubiKey and cannot leave it`,
    `chain: ${a.chain.map((c) => c.subject).join(' <- ')}`,
  ];
}

/** `hsm attest`: checks a YubiKey PIV attestation chain against a key before it is trusted. */
export const hsmAttestCommand: Command = {
  name: 'hsm attest',
  examples: [
    'tuf-ceremony hsm attest --attestation 9c.pem --intermediate f9.pem --root yubico-piv-ca.pem --key-file keys/alice/KEYID.json',
  ],
  summary: 'check a YubiKey PIV attestation (chain to the Yubico root, serial, policies) for a key',
  usage: USAGE,
  options: {
    attestation: {
      type: 'string',
      valueName: 'FILE',
      description:
        'the PIV attestation certificate of the key slot (PEM, from yubico-piv-tool attest)',
    },
    intermediate: {
      type: 'string',
      valueName: 'FILE',
      description: "the token's attestation certificate (slot f9, PEM)",
    },
    root: {
      type: 'string',
      valueName: 'FILE',
      description: 'the Yubico PIV attestation root CA you trust (PEM)',
    },
    'key-file': {
      type: 'string',
      valueName: 'FILE',
      description: 'the enrolled key (keys/HOLDER/KEYID.json) the attestation must match',
    },
    uri: {
      type: 'string',
      valueName: 'PKCS11_URI',
      description:
        'the key on a token (pkcs11: URI) the attestation must match, instead of --key-file',
    },
    module: {
      type: 'string',
      valueName: 'PATH',
      description: 'PKCS#11 module for --uri (default: from the URI, then the usual install paths)',
    },
    ...JSON_OPTION,
  },
  async run(ctx, args) {
    const keyFile = stringFlag(args, 'key-file');
    const uri = stringFlag(args, 'uri');
    if ((keyFile === undefined) === (uri === undefined)) {
      throw usage('give exactly one of --key-file and --uri');
    }
    const attestationPem = await readText(ctx.cwd, args, 'attestation');
    const intermediatePem = await readText(ctx.cwd, args, 'intermediate');
    const rootPem = await readText(ctx.cwd, args, 'root');
    const module = stringFlag(args, 'module');
    const key =
      keyFile !== undefined
        ? keyOfJson(await readText(ctx.cwd, args, 'key-file'), keyFile)
        : await readTokenPublicKey(
            uri ?? '',
            module === undefined ? {} : { modulePath: resolve(ctx.cwd, module) },
          );
    const result = verifyYubiKeyAttestation({
      attestationPem,
      intermediatePem,
      rootPem,
      key,
      now: ctx.now(),
    });
    if (boolFlag(args, 'json')) ctx.out(JSON.stringify(result, null, 2));
    else ctx.out(renderAttestation(result).join('\n'));
    return EXIT.ok;
  },
};
