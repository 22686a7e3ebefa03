import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { expect } from 'vitest';
import { runTool, type CliResult } from './cli.js';

/** A ceremony repository in a temp dir, driven through the built CLI like a script would. */
export class CeremonyFixture {
  readonly env: Record<string, string>;

  private constructor(
    readonly dir: string,
    readonly keysDir: string,
  ) {
    this.env = {
      TUF_CEREMONY_KEY_DIR: keysDir,
      // This machine's key references (keyid -> key file), outside the ceremony and the home dir.
      TUF_CEREMONY_KEY_REFS: join(keysDir, '..', 'key-refs'),
      // New key files at scrypt N=2^10 instead of 2^17 (warned on stderr): keeps the suite fast.
      TUF_CEREMONY_TEST_SCRYPT_LOG2N: '10',
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 't@example.org',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 't@example.org',
    };
  }

  /** A new temp dir with `init` run for the given people and threshold (and extra init flags). */
  static async create(
    holders: readonly string[],
    threshold: number,
    initArgs: readonly string[] = [],
  ): Promise<CeremonyFixture> {
    const base = await mkdtemp(join(tmpdir(), 'tuf-ceremony-e2e-'));
    const fixture = new CeremonyFixture(join(base, 'trust-root'), join(base, 'private-keys'));
    await fixture.ok(
      [
        'init',
        fixture.dir,
        '--name',
        'e2e-root',
        '--holders',
        holders.join(','),
        '--threshold',
        String(threshold),
        ...initArgs,
      ],
      base,
    );
    return fixture;
  }

  /** Runs the CLI in the ceremony dir with the fixture's environment. */
  run(
    args: readonly string[],
    extraEnv: Record<string, string> = {},
    cwd = this.dir,
  ): Promise<CliResult> {
    return runTool(args, { cwd, env: { ...this.env, ...extraEnv } });
  }

  /** Runs the CLI and expects exit 0. */
  async ok(
    args: readonly string[],
    cwd = this.dir,
    extraEnv: Record<string, string> = {},
  ): Promise<CliResult> {
    const result = await runTool(args, { cwd, env: { ...this.env, ...extraEnv } });
    expect(result.code, `${args.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(0);
    return result;
  }

  /** The variable holding a holder's passphrase, set in the fixture's environment. */
  passphraseVar(holder: string): string {
    const variable = `PASS_${holder.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
    this.env[variable] = `passphrase of ${holder}`;
    return variable;
  }

  /** Generates and enrolls an ed25519 key for a holder (`extra`: e.g. `--replace`). */
  async addKey(
    holder: string,
    algorithm = 'ed25519',
    extra: readonly string[] = [],
  ): Promise<void> {
    await this.ok([
      'key',
      'add',
      '--holder',
      holder,
      '--generate',
      algorithm,
      '--key-file',
      join(this.keysDir, `${holder}-${Date.now()}.key`),
      '--passphrase-env',
      this.passphraseVar(holder),
      ...extra,
    ]);
  }

  /** The key reference `key add` kept on this machine for a keyid (never in the repository). */
  async keyRef(keyid: string): Promise<string> {
    const file = join(this.env.TUF_CEREMONY_KEY_REFS ?? '', `${keyid}.json`);
    return (JSON.parse(await readFile(file, 'utf8')) as { key_ref: string }).key_ref;
  }

  /** Signs as a holder, non-interactively. */
  sign(holder: string, cwd = this.dir, extraEnv: Record<string, string> = {}): Promise<CliResult> {
    return this.run(
      ['sign', '--holder', holder, '--passphrase-env', this.passphraseVar(holder), '--yes'],
      extraEnv,
      cwd,
    );
  }

  /** Finalizes with the online key. */
  finalize(extraEnv: Record<string, string> = {}): Promise<CliResult> {
    return this.run(['finalize', '--passphrase-env', this.passphraseVar('online')], extraEnv);
  }

  /** Reads and rewrites ceremony.yaml through a text transformation. */
  async editPlan(change: (text: string) => string): Promise<void> {
    const file = join(this.dir, 'ceremony.yaml');
    await writeFile(file, change(await readFile(file, 'utf8')));
  }

  /** `status --json` parsed. */
  async status(): Promise<{ code: number | null; json: StatusJson }> {
    const result = await this.run(['status', '--json']);
    return { code: result.code, json: JSON.parse(result.stdout) as StatusJson };
  }
}

/** The shape of `status --json`. */
export interface StatusJson {
  id: string;
  ready: boolean;
  /** How the staged drafts differ from what the plan gives now (empty when they follow it). */
  plan_changed: string[];
  roles: {
    role: string;
    version: number;
    ready: boolean;
    sha256: string;
    checks: {
      authority: string;
      threshold: number;
      /** Distinct holders whose signatures count; `valid_keys` counts keys. */
      valid: number;
      valid_keys: number;
      signed_by: string[];
      missing: string[];
    }[];
    stale: { holder: string; keyid: string }[];
  }[];
}

/** sha256 of every file under a directory, by relative path: "nothing was written" checks. */
export async function treeDigest(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string): Promise<void> => {
    for (const name of await readdir(d)) {
      if (name === '.git') continue;
      const path = join(d, name);
      if ((await stat(path)).isDirectory()) await walk(path);
      else
        out[relative(dir, path)] = createHash('sha256')
          .update(await readFile(path))
          .digest('hex');
    }
  };
  await walk(dir);
  return out;
}
