import { join } from 'node:path';
import { signingNeeds } from '../ceremony/signing-needs.js';
import { ceremonyStatus } from '../ceremony/status.js';
import { loadCeremony, statusOf, type LoadedCeremony } from './ceremony-context.js';
import { roomLines } from './room-text.js';
import type { CommandContext } from './command.js';
import type { Prompter } from './prompt.js';
import { SIGNING_WAYS, airGappedTurn } from './guided-airgap.js';
import { pathExists } from '../repo/path-exists.js';

const COORDINATOR = 'coordinator';

type Run = (argv: readonly string[], ctx: CommandContext) => Promise<number>;

async function enrollTurn(
  ctx: CommandContext,
  prompter: Prompter,
  run: Run,
  holder: string,
): Promise<number> {
  if (!(await prompter.confirm(`${holder} has no enrolled key. Generate one now?`, true))) return 0;
  const algorithm = await prompter.select('Key type', [
    { value: 'ed25519', name: 'ed25519 (software key, encrypted file)' },
    { value: 'ecdsa-p256', name: 'ECDSA P-256 (software key, encrypted file)' },
    { value: 'hsm', name: 'a key on a PKCS#11 token (YubiKey, HSM)' },
  ]);
  if (algorithm === 'hsm')
    return run(['key', 'add', '--holder', holder, '--hsm', '--generate', 'ecdsa-p256'], ctx);
  const file = await prompter.input(
    'Where should the encrypted key file go?',
    join(ctx.env.TUF_CEREMONY_KEY_DIR ?? join(ctx.cwd, '..', 'private-keys'), `${holder}.key`),
  );
  return run(['key', 'add', '--holder', holder, '--generate', algorithm, '--key-file', file], ctx);
}

async function coordinatorTurn(
  ctx: CommandContext,
  prompter: Prompter,
  run: Run,
  loaded: LoadedCeremony,
): Promise<number> {
  if (!loaded.staging) {
    if (!(await prompter.confirm('No ceremony is staged. Stage the next versions now?', true)))
      return 0;
    return run(['stage'], ctx);
  }
  const status = ceremonyStatus(
    loaded.staging.ceremony,
    loaded.staging.drafts,
    loaded.staging.holders,
    loaded.published,
    loaded.holderOf,
  );
  await run(['status'], ctx);
  if (!status.ready) return 1;
  if (!(await prompter.confirm('Every threshold is met. Finalize and publish now?', true)))
    return 0;
  return run(['finalize'], ctx);
}

/**
 * The guided session (`tuf-ceremony` with no arguments in a terminal): sees where the ceremony
 * stands and walks the current holder through their next step, by running the same commands.
 */
export async function runGuided(
  ctx: CommandContext,
  prompter: Prompter,
  run: Run,
): Promise<number> {
  if (!(await pathExists(join(ctx.cwd, 'ceremony.yaml')))) {
    ctx.out(`No ceremony plan (ceremony.yaml) in ${ctx.cwd}.`);
    if (!(await prompter.confirm('Create a new trust-root repository here?', false))) return 0;
    return run(['init', '.'], ctx);
  }
  const loaded = await loadCeremony(ctx.cwd);
  ctx.out(
    `Trust root ${loaded.plan.name}${loaded.staging ? `, ceremony ${loaded.staging.ceremony.id} in progress` : ''}.`,
  );
  const who = await prompter.select('Who are you?', [
    ...Object.values(loaded.plan.holders).map((h) => ({
      value: h.id,
      name: h.name ? `${h.id} (${h.name})` : h.id,
    })),
    { value: COORDINATOR, name: 'the coordinator (stage, status, finalize)' },
  ]);
  if (who === COORDINATOR) return coordinatorTurn(ctx, prompter, run, loaded);
  const keys = loaded.keys.filter((k) => k.holder === who);
  if (keys.length === 0) return enrollTurn(ctx, prompter, run, who);
  if (!loaded.staging) {
    ctx.out(
      `${who}'s key is enrolled (${keys.map((k) => k.fingerprint).join(', ')}). Nothing is staged yet: the coordinator runs tuf-ceremony stage.`,
    );
    return 0;
  }
  const needs = signingNeeds(
    who,
    keys,
    loaded.staging.ceremony.roles,
    loaded.staging.drafts,
    loaded.staging.holders,
    loaded.published,
  );
  if (needs.length === 0) {
    ctx.out(`${who} has nothing left to sign in ceremony ${loaded.staging.ceremony.id}.`);
    return run(['status'], ctx);
  }
  ctx.out(
    `${who} must sign: ${[...new Set(needs.map((n) => n.role))].join(', ')}. Review the changes and compare the sha256 with the other holders.`,
  );
  for (const line of roomLines(statusOf(loaded), who)) ctx.out(line);
  const way = await prompter.select('How will you sign?', SIGNING_WAYS);
  if (way !== 'here') return airGappedTurn(ctx, prompter, run, who, way, keys);
  const code = await run(['sign', '--holder', who], ctx);
  if (code === 0) {
    await run(['status'], ctx);
    for (const line of roomLines(statusOf(await loadCeremony(ctx.cwd)), who)) ctx.out(line);
  }
  return code;
}
