import { join } from 'node:path';
import type { EnrolledKey } from '../ceremony/enrolled-key.js';
import type { CommandContext } from './command.js';
import type { Choice, Prompter } from './prompt.js';
import { loadLocalKeyRef } from '../signing/local-key-refs.js';

type Run = (argv: readonly string[], ctx: CommandContext) => Promise<number>;

/** How a holder signs: here, or on an air-gapped machine (export now, import later). */
export type SigningWay = 'here' | 'export' | 'import';

/** The choices the guided mode offers a holder who has something to sign. */
export const SIGNING_WAYS: readonly Choice<SigningWay>[] = [
  { value: 'here', name: 'here, with my key on this machine' },
  {
    value: 'export',
    name: 'on an air-gapped machine: write a signing request to carry there',
  },
  {
    value: 'import',
    name: 'on an air-gapped machine: import the signed response I brought back',
  },
];

/**
 * The guided air-gapped turn: writes the signing request and says what to run offline, or
 * imports the response brought back (each by running the same commands a script would).
 */
export async function airGappedTurn(
  ctx: CommandContext,
  prompter: Prompter,
  run: Run,
  holder: string,
  way: Exclude<SigningWay, 'here'>,
  keys: readonly EnrolledKey[],
): Promise<number> {
  if (way === 'import') {
    const file = await prompter.input(
      'Path of the signed response',
      join(ctx.cwd, '..', `${holder}.response.json`),
    );
    return run(['sign', '--import', file], ctx);
  }
  const file = await prompter.input(
    'Where should the signing request go (for example on the removable drive)?',
    join(ctx.cwd, '..', `${holder}.request.json`),
  );
  const code = await run(['sign', '--holder', holder, '--export', file], ctx);
  if (code !== 0) return code;
  // A token URI is the same on the offline machine; a key file's path is the holder's to give.
  const refs = await Promise.all(
    keys.map(async (k) => {
      const ref = (await loadLocalKeyRef(ctx.env, k.keyid)) ?? k.key_ref ?? '';
      return ref.startsWith('pkcs11:') ? ref : 'file:KEY-FILE';
    }),
  );
  ctx.out(
    [
      'On the air-gapped machine (tuf-ceremony installed from the packed tarball, see README):',
      `  tuf-ceremony sign-offline ${file} --key-ref ${refs[0] ?? 'REF'} --out ${holder}.response.json`,
      'It shows the review and the sha256 of each role: compare them with the ones above and with the other holders before you confirm.',
      'Bring the response back, run tuf-ceremony again and choose "import the signed response" (or: tuf-ceremony sign --import RESPONSE).',
    ].join('\n'),
  );
  return 0;
}
