import type { EnrolledKey } from '../ceremony/enrolled-key.js';
import { CeremonyError } from '../metadata/errors.js';
import type { RootSigned } from '../metadata/model.js';
import type { Signer } from '../metadata/signer.js';
import type { ClosableSigner } from '../signing/key-ref.js';
import type { LoadedCeremony } from './ceremony-context.js';
import type { CommandContext, ParsedArgs } from './command.js';
import { openEnrolledSigner } from './key-access.js';
import type { KeysOpenedAhead } from './keys-ahead.js';

/**
 * Opens one signer per online key the root lists for snapshot and timestamp, through each key's
 * enrolled reference or `keyRef` (e.g. where a scheduled job unpacked the key from a secret);
 * keys being unlocked `ahead` are taken from there.
 */
export async function onlineSigners(
  ctx: CommandContext,
  args: ParsedArgs,
  loaded: LoadedCeremony,
  root: RootSigned,
  keyRef?: string,
  ahead?: KeysOpenedAhead,
): Promise<{ snapshot: Signer[]; timestamp: Signer[]; all: ClosableSigner[] }> {
  if (keyRef !== undefined) {
    const keyids = new Set(
      ['snapshot', 'timestamp'].flatMap((role) => root.roles[role]?.keyids ?? []),
    );
    if (keyids.size !== 1)
      throw new CeremonyError(
        'USAGE',
        `--key-ref names one key, but snapshot and timestamp are signed by ${keyids.size} keys; enroll each online key with its reference instead`,
      );
  }
  const opened = new Map<string, ClosableSigner>();
  const pick = async (role: 'snapshot' | 'timestamp'): Promise<Signer[]> => {
    const keyids = root.roles[role]?.keyids ?? [];
    const enrolled = keyids
      .map((k) => loaded.keys.find((e) => e.keyid === k))
      .filter((e): e is EnrolledKey => e !== undefined);
    if (enrolled.length === 0)
      throw new CeremonyError(
        'STATE_INVALID',
        `no enrolled key of the ${role} role is available to sign it online`,
      );
    const signers: Signer[] = [];
    for (const e of enrolled) {
      let signer = opened.get(e.keyid);
      if (!signer) {
        signer = await (ahead?.take(e.keyid) ?? openEnrolledSigner(ctx, args, e, keyRef));
        opened.set(e.keyid, signer);
      }
      signers.push(signer);
    }
    return signers;
  };
  const snapshot = await pick('snapshot');
  const timestamp = await pick('timestamp');
  return { snapshot, timestamp, all: [...opened.values()] };
}
