import type { EnrolledKey } from '../ceremony/enrolled-key.js';
import type { ClosableSigner } from '../signing/key-ref.js';
import { stringFlag, type CommandContext, type ParsedArgs } from './command.js';
import { holderKeyRef, openEnrolledSigner } from './key-access.js';

// A key file's scrypt takes about half a second of one core. With the passphrase in the
// environment nothing is asked, so sign and finalize start unlocking their key files while the
// main thread loads, checks and reviews the ceremony (the KDF runs on libuv's thread pool). A key
// opened ahead only signs after every check passed and the holder confirmed; one not used is
// closed. Tokens are opened when needed, so a refused ceremony never spends a PIN try.

/** Key files being unlocked ahead of use, by keyid; failures surface only where awaited. */
export class KeysOpenedAhead {
  private readonly opening = new Map<string, Promise<ClosableSigner>>();

  private constructor() {}

  /** Starts unlocking each key file of `keys` (with --passphrase-env only; otherwise none). */
  static async start(
    ctx: CommandContext,
    args: ParsedArgs,
    keys: readonly EnrolledKey[],
    override: string | undefined,
  ): Promise<KeysOpenedAhead> {
    const ahead = new KeysOpenedAhead();
    if (stringFlag(args, 'passphrase-env') === undefined) return ahead;
    for (const enrolled of keys) {
      if (enrolled.retired_at !== undefined || ahead.opening.has(enrolled.keyid)) continue;
      let ref: string;
      try {
        ref = override ?? (await holderKeyRef(ctx, enrolled));
      } catch {
        // Reported where the key is opened for signing, after the ceremony's own checks.
        continue;
      }
      if (!ref.startsWith('file:')) continue;
      const opening = openEnrolledSigner(ctx, args, enrolled, override);
      opening.catch(() => undefined);
      ahead.opening.set(enrolled.keyid, opening);
    }
    return ahead;
  }

  /** The signer opened ahead for `keyid` (the caller closes it), or undefined. */
  take(keyid: string): Promise<ClosableSigner> | undefined {
    const opening = this.opening.get(keyid);
    this.opening.delete(keyid);
    return opening;
  }

  /** Closes every signer opened ahead and not taken. */
  async closeRest(): Promise<void> {
    const rest = [...this.opening.values()];
    this.opening.clear();
    for (const opening of rest)
      await opening.then(
        (signer) => signer.close(),
        () => undefined,
      );
  }
}
