import { CeremonyError } from '../metadata/errors.js';
import { MAX_SECRET_ATTEMPTS, type RetryingSecretSource } from '../signing/file-key-resolver.js';
import type { SecretKind } from '../signing/key-ref.js';
import { passphraseWeakness } from '../signing/passphrase-policy.js';
import {
  stringFlag,
  type Command,
  type CommandContext,
  type OptionSpec,
  type ParsedArgs,
} from './command.js';
import type { Prompter } from './prompt.js';

// Secrets (passphrases, PINs) come from a hidden prompt in a terminal, or from an environment
// variable whose NAME a flag gives. They never come from argv and never appear in a message.

/** Flags every command that unlocks or creates keys accepts. */
export const SECRET_FLAGS: OptionSpec = {
  'passphrase-env': {
    type: 'string',
    valueName: 'VAR',
    description:
      'read the key passphrase from this environment variable (default: ask with hidden input)',
  },
  'pin-env': {
    type: 'string',
    valueName: 'VAR',
    description:
      'read the token PIN from this environment variable (default: ask with hidden input)',
  },
};

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

/**
 * True when argv names a secret variable: a stray word there may be a secret typed unquoted
 * (`--passphrase-env my pass`), so messages must not quote it.
 */
export function namesSecretVariable(argv: readonly string[]): boolean {
  return argv.some((arg) =>
    Object.keys(SECRET_FLAGS).some((flag) => arg === `--${flag}` || arg.startsWith(`--${flag}=`)),
  );
}

/** True for a command that may read a passphrase or PIN (it takes a secret flag, or is the demo). */
export function handlesSecrets(command: Pick<Command, 'name' | 'options'>): boolean {
  return command.name === 'demo' || Object.keys(SECRET_FLAGS).some((f) => f in command.options);
}

const FLAG_OF: Record<SecretKind, string> = { passphrase: '--passphrase-env', PIN: '--pin-env' };
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Reads one secret from an environment variable; one try only. */
export class EnvSecretSource implements RetryingSecretSource {
  constructor(
    private readonly env: Readonly<Record<string, string | undefined>>,
    private readonly variable: string,
    private readonly flag = '--passphrase-env',
  ) {
    if (!VARIABLE.test(variable)) {
      // Someone may have typed the secret itself here: never repeat it.
      throw new CeremonyError(
        'USAGE',
        `${flag} takes the name of an environment variable (letters, digits and _), not a secret`,
      );
    }
  }

  get(kind: SecretKind, label: string, _attempt = 1): Promise<string> {
    const value = this.env[this.variable];
    if (value === undefined || value === '') {
      return Promise.reject(
        new CeremonyError(
          'USAGE',
          // The flag's value is not repeated: a secret typed in place of a name would be printed.
          `the environment variable named by ${this.flag} is ${value === undefined ? 'not set' : 'empty'}; it should hold the ${kind} for ${label} (check the name given to ${this.flag})`,
        ),
      );
    }
    return Promise.resolve(value);
  }

  canRetry(): boolean {
    return false;
  }
}

/** Asks at the terminal with a masked prompt; wrong answers may be retried. */
export class PromptSecretSource implements RetryingSecretSource {
  constructor(private readonly prompter: Prompter) {}

  async get(kind: SecretKind, label: string, attempt: number): Promise<string> {
    const retry = attempt > 1 ? ` (attempt ${attempt} of ${MAX_SECRET_ATTEMPTS})` : '';
    const what = kind === 'PIN' ? 'PIN' : 'Passphrase';
    const value = await this.prompter.password(`${what} for ${label}${retry}:`);
    if (value === '') throw new CeremonyError('SECRET_INVALID', `no ${kind} given for ${label}`);
    return value;
  }

  canRetry(): boolean {
    return true;
  }
}

/** Picks, per kind of secret, the variable named by its flag, else the terminal, else fails. */
export class CliSecretSource implements RetryingSecretSource {
  private readonly sources: Partial<Record<SecretKind, RetryingSecretSource>> = {};

  constructor(
    env: Readonly<Record<string, string | undefined>>,
    variables: Partial<Record<SecretKind, string>>,
    private readonly prompter: Prompter | undefined,
  ) {
    for (const kind of ['passphrase', 'PIN'] as const) {
      const variable = variables[kind];
      if (variable !== undefined) {
        this.sources[kind] = new EnvSecretSource(env, variable, FLAG_OF[kind]);
      }
    }
  }

  private source(kind: SecretKind, label: string): RetryingSecretSource {
    const chosen = this.sources[kind];
    if (chosen) return chosen;
    if (this.prompter) return new PromptSecretSource(this.prompter);
    throw new CeremonyError(
      'USAGE',
      `the ${kind} for ${label} is needed and there is no terminal to ask it: pass ${FLAG_OF[kind]} VAR naming an environment variable that holds it`,
    );
  }

  async get(kind: SecretKind, label: string, attempt: number): Promise<string> {
    return await this.source(kind, label).get(kind, label, attempt);
  }

  canRetry(kind: SecretKind): boolean {
    return this.sources[kind] === undefined && this.prompter !== undefined;
  }
}

/** The secret source for a command: `--passphrase-env`/`--pin-env`, else prompts in a terminal. */
export function secretSourceFor(
  ctx: CommandContext,
  args: ParsedArgs,
  prompter: Prompter | undefined,
): CliSecretSource {
  const passphrase = stringFlag(args, 'passphrase-env');
  const pin = stringFlag(args, 'pin-env');
  return new CliSecretSource(
    ctx.env,
    {
      ...(passphrase === undefined ? {} : { passphrase }),
      ...(pin === undefined ? {} : { PIN: pin }),
    },
    ctx.interactive ? prompter : undefined,
  );
}

/**
 * A passphrase for a new key file: from `--passphrase-env`, or typed twice at the terminal
 * (up to three tries to make both entries match). At least 12 characters, refused with the
 * reason (src/signing/passphrase-policy.ts).
 */
export async function askNewPassphrase(
  ctx: CommandContext,
  args: ParsedArgs,
  prompter: Prompter | undefined,
  label: string,
): Promise<string> {
  const variable = stringFlag(args, 'passphrase-env');
  if (variable !== undefined) {
    const value = await new EnvSecretSource(ctx.env, variable).get('passphrase', label);
    const weakness = passphraseWeakness(value);
    if (weakness !== undefined)
      throw new CeremonyError('SECRET_INVALID', `${variable} (for ${label}): ${weakness}`);
    return value;
  }
  if (!ctx.interactive || !prompter) {
    throw new CeremonyError(
      'USAGE',
      `a passphrase for ${label} is needed and there is no terminal to ask it: pass --passphrase-env VAR`,
    );
  }
  for (let attempt = 1; attempt <= MAX_SECRET_ATTEMPTS; attempt++) {
    const first = await prompter.password(`New passphrase for ${label}:`);
    const weakness = passphraseWeakness(first);
    if (weakness !== undefined) {
      ctx.err(`${weakness}; try again`);
      continue;
    }
    const second = await prompter.password(`Repeat the passphrase for ${label}:`);
    if (first === second) return first;
    ctx.err('the two passphrases differ; try again');
  }
  throw new CeremonyError(
    'SECRET_INVALID',
    `no matching passphrase for ${label} after ${MAX_SECRET_ATTEMPTS} tries`,
  );
}
