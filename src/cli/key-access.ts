import type { EnrolledKey } from '../ceremony/enrolled-key.js';
import { bindToEnrolledKey } from '../signing/bound-signer.js';
import { pkcs11KeyRefResolver } from '../hsm/signer.js';
import { FileKeyResolver } from '../signing/file-key-resolver.js';
import { KeyRefRegistry, type ClosableSigner, type KeyRefResolver } from '../signing/key-ref.js';
import type { CommandContext, OptionSpec, ParsedArgs } from './command.js';
import { moduleOptions } from './hsm-enroll.js';
import { terminalPrompter } from './prompt.js';
import { SECRET_FLAGS, secretSourceFor } from './secrets.js';

/** Flags of commands that unlock keys: secrets from variables named by flags, else a prompt. */
export const SECRET_OPTIONS: OptionSpec = {
  ...SECRET_FLAGS,
  module: {
    type: 'string',
    valueName: 'PATH',
    description:
      'PKCS#11 module for pkcs11: keys (default: module-path/module-name of the URI, then the usual install paths)',
  },
};

const extraResolvers: KeyRefResolver[] = [];

/** Registers another key-reference scheme (pkcs11:, remote KMS) for every command. */
export function registerKeyRefResolver(resolver: KeyRefResolver): void {
  extraResolvers.push(resolver);
}

/** Key references resolved against the working directory; `--module` picks the PKCS#11 module. */
export function keyRefRegistry(ctx: CommandContext, args: ParsedArgs): KeyRefRegistry {
  return new KeyRefRegistry([
    new FileKeyResolver(ctx.cwd),
    pkcs11KeyRefResolver(moduleOptions(args)),
    ...extraResolvers,
  ]);
}

/**
 * Opens a signer for an enrolled key through its key reference (or `override`), asking for the
 * passphrase or PIN as the flags say; the key must be the enrolled one.
 */
export async function openEnrolledSigner(
  ctx: CommandContext,
  args: ParsedArgs,
  enrolled: EnrolledKey,
  override: string | undefined,
): Promise<ClosableSigner> {
  const ref = override ?? enrolled.key_ref;
  const secrets = secretSourceFor(ctx, args, terminalPrompter());
  const signer = await keyRefRegistry(ctx, args).open(ref, secrets, enrolled.key);
  try {
    return bindToEnrolledKey(signer, enrolled, ref);
  } catch (err) {
    await signer.close();
    throw err;
  }
}
