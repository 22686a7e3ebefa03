import { mkdtemp, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { CeremonyError } from '../../metadata/errors.js';
import { parseTime } from '../../metadata/time.js';
import { writeEncryptedKeyFile } from '../../signing/key-file.js';
import { keyFileCost } from '../key-file-cost.js';
import { ed25519FromSeed, generatePrivateKey } from '../../signing/software-signer.js';
import { createDemoTokens } from '../demo-tokens.js';
import { boolFlag, stringFlag, type Command, type CommandContext } from '../command.js';
import { KEY_REFS_ENV } from '../../signing/local-key-refs.js';

/** The fixed clock of the deterministic example (the committed repository/ was made at it). */
export const DEMO_TIME = '2026-01-01T00:00:00Z';
const HOLDERS = ['alice', 'bob', 'carol'] as const;
const ONLINE = 'online';

/** Test-only seed of a demo key: these keys are public knowledge and guard nothing. */
function demoSeed(holder: string): Buffer {
  return createHash('sha256').update(`tuf-ceremony example key seed: ${holder}`).digest();
}

/** A word a POSIX shell reads back unchanged: quoted when it holds anything but safe characters. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function passphraseVariable(holder: string): string {
  return `TUF_CEREMONY_DEMO_PASSPHRASE_${holder.toUpperCase()}`;
}

/**
 * `tuf-ceremony demo`: a complete example ceremony with no hardware and no network: three
 * holders with software keys, root and targets 2-of-3, an online snapshot/timestamp key.
 */
export const demoCommand: Command = {
  name: 'demo',
  examples: ['tuf-ceremony demo', 'tuf-ceremony demo --out /tmp/example --deterministic'],
  summary:
    'run a complete example ceremony (3 holders, 2-of-3, online snapshot/timestamp) into a directory',
  usage: 'tuf-ceremony demo [--out DIR] [--deterministic | --hsm]',
  options: {
    out: {
      type: 'string',
      valueName: 'DIR',
      description: 'write the example ceremony here (default: a new temporary directory)',
    },
    deterministic: {
      type: 'boolean',
      description:
        'fixed keys and clock: the same bytes as the committed repository/ (example keys, public)',
    },
    hsm: {
      type: 'boolean',
      description: 'keep every key on its own SoftHSM2 token (needs SoftHSM2)',
    },
  },
  async run(ctx, args) {
    const { runCli } = await import('../run.js');
    const deterministic = boolFlag(args, 'deterministic');
    const hsm = boolFlag(args, 'hsm');
    if (hsm && deterministic) {
      throw new CeremonyError(
        'USAGE',
        'demo: --hsm and --deterministic do not go together (token ECDSA signatures are randomized)',
      );
    }
    const outFlag = stringFlag(args, 'out');
    const out = outFlag
      ? resolve(ctx.cwd, outFlag)
      : await mkdtemp(join(tmpdir(), 'tuf-ceremony-demo-'));
    // Key files, tokens and key references live outside the ceremony repository, as a holder's
    // would: key add refuses a key inside it.
    const privateDir = await mkdtemp(join(tmpdir(), 'tuf-ceremony-demo-private-'));
    const keyDir = join(privateDir, 'keys');
    await mkdir(keyDir, { recursive: true, mode: 0o700 });
    const fixed = deterministic ? parseTime(DEMO_TIME, 'demo time') : undefined;
    const env: Record<string, string | undefined> = {
      ...ctx.env,
      [KEY_REFS_ENV]: join(privateDir, 'key-refs'),
    };
    const sub: CommandContext = {
      ...ctx,
      env,
      cwd: out,
      interactive: false,
      now: () => fixed ?? ctx.now(),
      out: (text) => {
        ctx.out(text.replace(/^/gm, '    '));
      },
    };
    const step = async (title: string, argv: string[]): Promise<void> => {
      ctx.out(`\n$ tuf-ceremony ${argv.join(' ')}    # ${title}`);
      const code = await runCli(argv, sub);
      if (code !== 0 && !(argv[0] === 'status' && code === 1)) {
        throw new CeremonyError(
          'STATE_INVALID',
          `demo step "${title}" failed with exit code ${code}`,
        );
      }
    };
    ctx.out(`example ceremony in ${out}`);
    await step('create the trust-root repository', [
      'init',
      '.',
      '--name',
      'example-trust-root',
      '--holders',
      HOLDERS.join(','),
      '--threshold',
      '2',
      '--online-holder',
      ONLINE,
    ]);
    const pinVariable = (holder: string): string => `TUF_CEREMONY_DEMO_PIN_${holder.toUpperCase()}`;
    if (hsm) {
      for (const holder of HOLDERS) env[pinVariable(holder)] = `${holder}-pin-1234`;
      const tokens = join(privateDir, 'softhsm');
      await createDemoTokens(tokens, HOLDERS, (h) => env[pinVariable(h)] ?? '');
      ctx.out(`SoftHSM2 tokens for ${HOLDERS.join(', ')} in ${tokens}`);
    }
    for (const holder of [...HOLDERS, ONLINE]) {
      const variable = passphraseVariable(holder);
      env[variable] = `example passphrase of ${holder}`;
      if (hsm && holder !== ONLINE) {
        // The holder's key is generated on their token and never leaves it.
        await step(`generate ${holder}'s key on their token`, [
          'key',
          'add',
          '--holder',
          holder,
          '--hsm',
          `pkcs11:token=${holder}?module-name=softhsm2`,
          '--generate',
          'ecdsa-p256',
          '--pin-env',
          pinVariable(holder),
        ]);
        continue;
      }
      const file = join(keyDir, `${holder}.key`);
      // Deterministic runs use fixed ed25519 seeds so the published example is reproducible.
      const privateKey = deterministic
        ? ed25519FromSeed(demoSeed(holder))
        : generatePrivateKey('ed25519');
      await writeEncryptedKeyFile(file, privateKey, env[variable] ?? '', keyFileCost(ctx, file));
      await step(`enroll ${holder}'s key`, [
        'key',
        'add',
        '--holder',
        holder,
        '--key-ref',
        `file:${file}`,
      ]);
    }
    await step('stage root and targets v1', ['stage']);
    await step('who must sign what', ['status']);
    for (const holder of HOLDERS.slice(0, 2)) {
      const secret = hsm
        ? ['--pin-env', pinVariable(holder)]
        : ['--passphrase-env', passphraseVariable(holder)];
      await step(`${holder} reviews and signs`, ['sign', '--holder', holder, ...secret, '--yes']);
    }
    await step('thresholds met?', ['status']);
    await step('publish, sign snapshot and timestamp online, verify', [
      'finalize',
      '--passphrase-env',
      passphraseVariable(ONLINE),
    ]);
    const at = deterministic ? ` --at ${DEMO_TIME}` : '';
    ctx.out(`\nrepository: ${join(out, 'repository')}`);
    ctx.out(`transcript: ${join(out, 'ceremony-logs')}`);
    const verify = [
      'node',
      fileURLToPath(new URL('../main.js', import.meta.url)),
      'verify',
      '--root',
      join(out, 'repository', '1.root.json'),
    ].map(shellWord);
    ctx.out(
      `check it as a client would (from any directory; "tuf-ceremony" once it is on PATH):\n  ${verify.join(' ')}${at} ${shellWord(join(out, 'repository'))}`,
    );
    return 0;
  },
};
