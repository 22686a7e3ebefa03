import type { EnrolledKey } from '../ceremony/enrolled-key.js';
import { bindToEnrolledKey } from '../signing/bound-signer.js';
import { CeremonyError } from '../metadata/errors.js';
import { KEY_REFS_ENV, keyRefsDir, loadLocalKeyRef } from '../signing/local-key-refs.js';
import { FileKeyResolver } from '../signing/file-key-resolver.js';
import { KeyRefRegistry, type ClosableSigner, type KeyRefResolver } from '../signing/key-ref.js';
import { stringFlag, type CommandContext, type ParsedArgs } from './command.js';
import { terminalPrompter } from './prompt.js';
import { secretSourceFor } from './secrets.js';

const extraResolvers: KeyRefResolver[] = [];

/** Registers another key-reference scheme (pkcs11:, remote KMS) for every command. */
export function registerKeyRefResolver(resolver: KeyRefResolver): void {
  extraResolvers.push(resolver);
}

/** The module path given with --module, as the PKCS#11 adapter takes it. */
export function moduleOptions(args: ParsedArgs): { modulePath?: string } {
  const modulePath = stringFlag(args, 'module');
  return modulePath === undefined ? {} : { modulePath };
}

/** `pkcs11:` references; the PKCS#11 adapter is loaded only when one is opened. */
function pkcs11Resolver(options: { modulePath?: string }): KeyRefResolver {
  return {
    scheme: 'pkcs11',
    open: async (ref, secrets, expected) =>
      (await import('../hsm/signer.js')).pkcs11KeyRefResolver(options).open(ref, secrets, expected),
  };
}

/** Key references resolved against the working directory; `--module` picks the PKCS#11 module. */
export function keyRefRegistry(ctx: CommandContext, args: ParsedArgs): KeyRefRegistry {
  return new KeyRefRegistry([
    new FileKeyResolver(ctx.cwd),
    pkcs11Resolver(moduleOptions(args)),
    ...extraResolvers,
  ]);
}

/**
 * Where this machine keeps an enrolled key: its local key reference (written by `key add` on
 * this machine), else the reference an old record carries; a one-line error naming the fix.
 */
export async function holderKeyRef(ctx: CommandContext, enrolled: EnrolledKey): Promise<string> {
  const local = await loadLocalKeyRef(ctx.env, enrolled.keyid);
  if (local !== undefined) return local;
  if (enrolled.key_ref !== undefined) return enrolled.key_ref;
  throw new CeremonyError(
    'USAGE',
    `${enrolled.holder}'s key ${enrolled.keyid.slice(0, 8)} (${enrolled.key_ref_scheme ?? 'unknown'}) has no key reference on this machine (${keyRefsDir(ctx.env)}): pass --key-ref REF (file:PATH or pkcs11:URI), or set ${KEY_REFS_ENV} to the folder key add wrote`,
  );
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
  const ref = override ?? (await holderKeyRef(ctx, enrolled));
  const secrets = secretSourceFor(ctx, args, terminalPrompter());
  const signer = await keyRefRegistry(ctx, args).open(ref, secrets, enrolled.key);
  try {
    return bindToEnrolledKey(signer, enrolled, ref);
  } catch (err) {
    await signer.close();
    throw err;
  }
}
