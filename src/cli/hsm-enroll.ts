import type { JsonObject } from '../metadata/json.js';
import type { Key } from '../metadata/model.js';
import { CeremonyError } from '../metadata/errors.js';
import { enrollTokenKey, generateTokenKey, type TokenAlgorithm } from '../hsm/enroll.js';
import { stringFlag, type CommandContext, type OptionSpec, type ParsedArgs } from './command.js';
import { moduleOptions } from './key-access.js';
import { terminalPrompter } from './prompt.js';
import { secretSourceFor } from './secrets.js';

/** Flags of `key add --hsm`: the URI comes as the argument after --hsm (or `pkcs11:` for any). */
export const HSM_OPTIONS: OptionSpec = {
  hsm: {
    type: 'boolean',
    description: 'enroll a key on a PKCS#11 token; the optional argument after it is a pkcs11: URI',
  },
  module: {
    type: 'string',
    valueName: 'PATH',
    description:
      'PKCS#11 module (default: module-path/module-name of the URI, then the usual install paths)',
  },
  'key-label': {
    type: 'string',
    valueName: 'LABEL',
    description: 'label of a key generated on the token (default: derived from the holder)',
  },
};

const TOKEN_ALGORITHMS: Record<string, TokenAlgorithm> = {
  'ecdsa-p256': 'ecdsa-p256',
  ed25519: 'ed25519',
};

/**
 * Enrolls a key on a PKCS#11 token (generating it there, non-extractable, with --generate) and
 * returns the metadata key and the `pkcs11:` reference to store.
 */
export async function enrollHardwareKey(
  ctx: CommandContext,
  args: ParsedArgs,
  holder: string,
  generate: string | undefined,
): Promise<{ key: Key; ref: string; attestation?: JsonObject }> {
  const uris = args.positionals.filter((p) => p.startsWith('pkcs11:'));
  if (uris.length !== args.positionals.length || uris.length > 1) {
    throw new CeremonyError('USAGE', '--hsm takes at most one pkcs11: URI');
  }
  const uri = uris[0] ?? 'pkcs11:';
  const secrets = secretSourceFor(ctx, args, terminalPrompter());
  const options = moduleOptions(args);
  if (generate !== undefined) {
    const algorithm = TOKEN_ALGORITHMS[generate];
    if (!algorithm)
      throw new CeremonyError('USAGE', `--generate ${generate}: choose ecdsa-p256 or ed25519`);
    const label = stringFlag(args, 'key-label') ?? `tuf-ceremony-${holder}`;
    const enrolled = await generateTokenKey(uri, algorithm, label, secrets, options);
    return {
      key: enrolled.key,
      ref: enrolled.keyRef,
      attestation: { token: enrolled.token, object: enrolled.object },
    };
  }
  const enrolled = await enrollTokenKey(uri, secrets, options);
  return {
    key: enrolled.key,
    ref: enrolled.keyRef,
    attestation: { token: enrolled.token, object: enrolled.object },
  };
}
