import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../../src/cli/command.js';
import { ScriptedPrompter, cancellable } from '../../../src/cli/prompt.js';
import {
  CliSecretSource,
  EnvSecretSource,
  askNewPassphrase,
  namesSecretVariable,
  secretSourceFor,
} from '../../../src/cli/secrets.js';
import { runCli } from '../../../src/cli/run.js';
import { CancelledError, isCeremonyError } from '../../../src/metadata/errors.js';
import { secretAttempts } from '../../../src/signing/file-key-resolver.js';

function context(env: Record<string, string>, interactive: boolean, errs: string[] = []) {
  const ctx: CommandContext = {
    out: () => undefined,
    err: (t) => errs.push(t),
    env,
    cwd: '/',
    now: () => 0,
    interactive,
  };
  return ctx;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('EnvSecretSource', () => {
  it('reads the named variable, one try only', async () => {
    const source = new EnvSecretSource({ HOLDER_PASS: 's3cret' }, 'HOLDER_PASS');
    expect(await source.get('passphrase', 'key file a.key', 1)).toBe('s3cret');
    expect(secretAttempts(source, 'passphrase')).toBe(1);
  });

  it('says the variable is unset or empty without repeating the name given', async () => {
    const unset = await rejection(new EnvSecretSource({}, 'HOLDER_PASS').get('passphrase', 'x', 1));
    expect(unset.message).toMatch(
      /the environment variable named by --passphrase-env is not set; it should hold the passphrase for x/,
    );
    const empty = await rejection(
      new EnvSecretSource({ HOLDER_PASS: '' }, 'HOLDER_PASS').get('passphrase', 'x', 1),
    );
    expect(empty.message).toMatch(/named by --passphrase-env is empty/);
    expect(isCeremonyError(empty, 'USAGE')).toBe(true);
  });

  it('never prints a secret typed where a variable name was expected', async () => {
    // "hunter2" has the shape of a variable name but names no variable: it may be the secret.
    const err = await rejection(
      new EnvSecretSource({}, 'hunter2', '--pin-env').get('PIN', 'token', 1),
    );
    expect(err.message).toMatch(/named by --pin-env is not set/);
    expect(err.message).not.toContain('hunter2');
  });

  it('does not quote a stray word after a secret flag (an unquoted secret)', async () => {
    const errs: string[] = [];
    const argv = ['expiry', '--passphrase-env', 'my', 'S3CR3T-word'];
    expect(namesSecretVariable(argv)).toBe(true);
    expect(namesSecretVariable(['expiry', '--passphrase-env=MY'])).toBe(true);
    expect(namesSecretVariable(['expiry', 'S3CR3T-word'])).toBe(false);
    const code = await runCli(['sign', '--pin-env', 'my', 'S3CR3T-word'], context({}, false, errs));
    expect(code).toBe(2);
    expect(errs.join('\n')).toMatch(/unexpected argument \(not repeated/);
    expect(errs.join('\n')).not.toContain('S3CR3T');
  });

  it('does not repeat a flag value that is not a variable name (it may be the secret)', () => {
    expect(() => new EnvSecretSource({}, 'my pass phrase!')).toThrow(
      /takes the name of an environment variable/,
    );
    try {
      new EnvSecretSource({}, 'my pass phrase!');
    } catch (err) {
      expect((err as Error).message).not.toContain('my pass phrase!');
    }
  });
});

describe('CliSecretSource', () => {
  it('uses the variable for its kind and the terminal for the other', async () => {
    const prompter = new ScriptedPrompter([
      { kind: 'password', match: 'PIN for token', answer: '1234' },
    ]);
    const source = new CliSecretSource({ PASS: 'p' }, { passphrase: 'PASS' }, prompter);
    expect(await source.get('passphrase', 'a.key', 1)).toBe('p');
    expect(await source.get('PIN', 'token', 1)).toBe('1234');
    expect(source.canRetry('passphrase')).toBe(false);
    expect(source.canRetry('PIN')).toBe(true);
  });

  it('is built from --passphrase-env/--pin-env, prompting only in a terminal', async () => {
    const args = { values: { 'pin-env': 'MY_PIN' }, positionals: [] };
    const source = secretSourceFor(context({ MY_PIN: '9999' }, false), args, undefined);
    expect(await source.get('PIN', 'token', 1)).toBe('9999');
    const err = await rejection(source.get('passphrase', 'a.key', 1));
    expect(err.message).toMatch(/no terminal to ask it: pass --passphrase-env VAR/);
  });
});

describe('askNewPassphrase', () => {
  it('asks twice and retries when the entries differ', async () => {
    const errs: string[] = [];
    const prompter = new ScriptedPrompter([
      { kind: 'password', match: 'New passphrase', answer: 'pw-one staple' },
      { kind: 'password', match: 'Repeat', answer: 'pw-two staple' },
      { kind: 'password', match: 'New passphrase', answer: 'pw-short' },
      { kind: 'password', match: 'New passphrase', answer: 'pw-three staple' },
      { kind: 'password', match: 'Repeat', answer: 'pw-three staple' },
    ]);
    const pass = await askNewPassphrase(
      context({}, true, errs),
      { values: {}, positionals: [] },
      prompter,
      'alice.key',
    );
    expect(pass).toBe('pw-three staple');
    expect(prompter.remaining).toBe(0);
    expect(errs).toEqual([
      'the two passphrases differ; try again',
      'the passphrase has 8 character(s); a new key file needs at least 12 (a few unrelated words make a strong one); try again',
    ]);
    expect(errs.join()).not.toMatch(/pw-/);
  });

  it('reads --passphrase-env without a terminal, and refuses without either', async () => {
    const args = { values: { 'passphrase-env': 'NEW' }, positionals: [] };
    expect(
      await askNewPassphrase(context({ NEW: 'n3w passphrase' }, false), args, undefined, 'k'),
    ).toBe('n3w passphrase');
    const weak = await rejection(
      askNewPassphrase(context({ NEW: 'n3w' }, false), args, undefined, 'k'),
    );
    expect(isCeremonyError(weak, 'SECRET_INVALID')).toBe(true);
    expect(weak.message).toBe(
      'NEW (for k): the passphrase has 3 character(s); a new key file needs at least 12 (a few unrelated words make a strong one)',
    );
    const err = await rejection(
      askNewPassphrase(context({}, false), { values: {}, positionals: [] }, undefined, 'k'),
    );
    expect(isCeremonyError(err, 'USAGE')).toBe(true);
  });
});

describe('prompts', () => {
  it('turns Ctrl-C at a prompt into CancelledError', async () => {
    const exit = Object.assign(new Error('User force closed the prompt'), {
      name: 'ExitPromptError',
    });
    await expect(cancellable(Promise.reject(exit))).rejects.toBeInstanceOf(CancelledError);
    await expect(cancellable(Promise.reject(new Error('other')))).rejects.toThrow('other');
  });

  it('a scripted prompter fails on an unexpected question', async () => {
    const prompter = new ScriptedPrompter([{ kind: 'confirm', match: 'Sign root?', answer: true }]);
    await expect(prompter.password('Passphrase?')).rejects.toThrow(/unexpected password question/);
  });
});
