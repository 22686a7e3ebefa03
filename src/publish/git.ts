import { execFile, spawn } from 'node:child_process';
import type { MeasuredFile } from '../metadata/client/source.js';
import { StreamDigest } from '../repo/stream-digest.js';
import { CeremonyError } from '../metadata/errors.js';
import { gitError } from './git-errors.js';

/** Options of a Git instance. */
export interface GitOptions {
  /** Environment of every git process (default: this process's); prompts are always disabled. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Extra `-c key=value` settings put before every command (e.g. `user.name=Alice`). */
  config?: Readonly<Record<string, string>>;
}

/** A file a branch changed: added, modified (or type-changed) or deleted. */
export interface ChangedPath {
  status: 'A' | 'M' | 'D';
  path: string;
}

/** Options of a commit. */
export interface CommitOptions {
  /** Add a `Signed-off-by` trailer from the committer identity (default true). */
  signoff?: boolean;
}

/** The outcome of a git process. */
interface Exit {
  code: number;
  stdout: string;
  stderr: string;
}

/** The system git in one working tree, run through execFile (never a shell). */
export class Git {
  private readonly env: Record<string, string | undefined>;
  private readonly prefix: string[];

  constructor(
    readonly cwd: string,
    options: GitOptions = {},
  ) {
    this.env = {
      ...(options.env ?? process.env),
      GIT_TERMINAL_PROMPT: '0',
      LC_ALL: 'C',
    };
    this.prefix = Object.entries(options.config ?? {}).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  }

  /** Runs git and returns its exit status and output, without throwing on a non-zero exit. */
  exec(args: readonly string[]): Promise<Exit> {
    return new Promise((resolve, reject) => {
      execFile(
        'git',
        [...this.prefix, ...args],
        { cwd: this.cwd, env: this.env, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
        (err, stdout, stderr) => {
          if (err === null) {
            resolve({ code: 0, stdout, stderr });
            return;
          }
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') {
            reject(
              new CeremonyError('PUBLISH', 'git is not installed or not on PATH', { cause: err }),
            );
            return;
          }
          resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
        },
      );
    });
  }

  /** Runs git; a non-zero exit becomes a one-line CeremonyError('PUBLISH'). Returns stdout. */
  async run(args: readonly string[]): Promise<string> {
    const result = await this.exec(args);
    if (result.code !== 0) throw gitError(args, result.stderr || result.stdout);
    return result.stdout;
  }

  /** The checked-out branch; an error on a detached HEAD. */
  async currentBranch(): Promise<string> {
    const result = await this.exec(['symbolic-ref', '--quiet', '--short', 'HEAD']);
    if (result.code !== 0) {
      throw new CeremonyError('PUBLISH', `${this.cwd}: HEAD is detached; switch to a branch first`);
    }
    return result.stdout.trim();
  }

  /** Whether a local branch exists. */
  async branchExists(name: string): Promise<boolean> {
    const result = await this.exec(['show-ref', '--verify', '--quiet', `refs/heads/${name}`]);
    return result.code === 0;
  }

  /** Creates `name` at `startPoint` (default HEAD) and switches to it. */
  async createBranch(name: string, startPoint?: string): Promise<void> {
    await assertBranchName(this, name);
    await this.run(['switch', '--create', name, ...(startPoint === undefined ? [] : [startPoint])]);
  }

  /** Switches to an existing branch (a remote-tracking one is checked out as a local branch). */
  async switchBranch(name: string): Promise<void> {
    await this.run(['switch', name]);
  }

  /** Stages the given paths (additions, changes and deletions). */
  async add(paths: readonly string[]): Promise<void> {
    if (paths.length === 0) return;
    await this.run(['add', '--all', '--', ...paths]);
  }

  /** Whether anything is staged for the next commit. */
  async hasStagedChanges(): Promise<boolean> {
    const result = await this.exec(['diff', '--cached', '--quiet']);
    return result.code !== 0;
  }

  /** Commits what is staged with `message` (signed off by default); returns the new commit id. */
  async commit(message: string, options: CommitOptions = {}): Promise<string> {
    if (!(await this.hasStagedChanges())) {
      throw new CeremonyError('PUBLISH', `${this.cwd}: nothing staged to commit`);
    }
    const signoff = options.signoff ?? true;
    await this.run(['commit', '--quiet', ...(signoff ? ['--signoff'] : []), '--message', message]);
    return this.revParse('HEAD');
  }

  /** Pushes a branch to `remote` (same name there), setting it as upstream by default. */
  async push(
    remote: string,
    branch: string,
    options: { setUpstream?: boolean } = {},
  ): Promise<void> {
    const upstream = options.setUpstream ?? true;
    await this.run([
      'push',
      '--quiet',
      ...(upstream ? ['--set-upstream'] : []),
      remote,
      `refs/heads/${branch}:refs/heads/${branch}`,
    ]);
  }

  /** Fetches from `remote` (optionally only the given refspecs). */
  async fetch(remote: string, refspecs: readonly string[] = []): Promise<void> {
    await this.run(['fetch', '--quiet', remote, ...refspecs]);
  }

  /** Merges `ref` into the current branch (a merge commit when needed, no editor). */
  async merge(ref: string, options: { message?: string; ffOnly?: boolean } = {}): Promise<void> {
    const result = await this.exec([
      'merge',
      '--no-edit',
      ...(options.ffOnly === true ? ['--ff-only'] : []),
      ...(options.message === undefined ? [] : ['--message', options.message]),
      ref,
    ]);
    if (result.code !== 0) {
      await this.exec(['merge', '--abort']);
      throw gitError(['merge', ref], `${result.stderr}\n${result.stdout}`);
    }
  }

  /** The fetch URL of a remote. */
  async remoteUrl(name: string): Promise<string> {
    const result = await this.exec(['remote', 'get-url', name]);
    if (result.code !== 0) {
      throw new CeremonyError(
        'PUBLISH',
        `${this.cwd}: no git remote named "${name}"; add it (git remote add ${name} URL), name another with --remote, or only commit with --no-push`,
      );
    }
    return result.stdout.trim();
  }

  /** True when the working tree and index match HEAD (untracked files count as changes). */
  async isClean(): Promise<boolean> {
    const out = await this.run(['status', '--porcelain=v1', '--untracked-files=normal']);
    return out.trim().length === 0;
  }

  /**
   * Files changed on `head` since it forked from `base` (`git diff base...head`), renames shown
   * as a deletion and an addition.
   */
  async changedPaths(base: string, head: string): Promise<ChangedPath[]> {
    const out = await this.run([
      'diff',
      '--name-status',
      '--no-renames',
      '-z',
      `${base}...${head}`,
    ]);
    const fields = out.split('\0').filter((f) => f.length > 0);
    const changes: ChangedPath[] = [];
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const status = (fields[i] ?? '').charAt(0);
      changes.push({
        status: status === 'A' || status === 'D' ? status : 'M',
        path: fields[i + 1] ?? '',
      });
    }
    return changes;
  }

  /** Whether `remote` has the branch `branch` (`git ls-remote`); one-line error when unreachable. */
  async remoteHasBranch(remote: string, branch: string): Promise<boolean> {
    const args = ['ls-remote', '--exit-code', '--heads', remote, `refs/heads/${branch}`];
    const result = await this.exec(args);
    if (result.code === 0) return true;
    if (result.code === 2) return false;
    throw gitError(args, result.stderr || result.stdout);
  }

  /** True when HEAD names a branch with no commit yet (a new repository). */
  async headIsUnborn(): Promise<boolean> {
    const head = await this.exec(['rev-parse', '--verify', '--quiet', 'HEAD']);
    if (head.code === 0) return false;
    const symbolic = await this.exec(['symbolic-ref', '--quiet', 'HEAD']);
    return symbolic.code === 0;
  }

  /** Paths staged for the next commit (also before the first commit). */
  async stagedPaths(): Promise<string[]> {
    const out = await this.run(['diff', '--cached', '--name-only', '--no-renames', '-z']);
    return out.split('\0').filter((p) => p.length > 0);
  }

  /** True when `object` is a blob; FILE_TOO_LARGE when it is larger than `maxLength`. */
  private async hasBlob(object: string, maxLength: number): Promise<boolean> {
    const type = await this.exec(['cat-file', '-t', object]);
    if (type.code !== 0 || type.stdout.trim() !== 'blob') return false;
    const size = Number((await this.run(['cat-file', '-s', object])).trim());
    if (!Number.isSafeInteger(size) || size > maxLength) {
      throw new CeremonyError('FILE_TOO_LARGE', `${object} is larger than ${maxLength} bytes`);
    }
    return true;
  }

  /**
   * Bytes of `path` in the tree of `ref` (`git cat-file`), undefined when it has no such file;
   * FILE_TOO_LARGE before reading when the blob is larger than `maxLength`.
   */
  async readBlob(ref: string, path: string, maxLength: number): Promise<Uint8Array | undefined> {
    const object = `${ref}:${path}`;
    if (!(await this.hasBlob(object, maxLength))) return undefined;
    return new Promise((resolve, reject) => {
      execFile(
        'git',
        [...this.prefix, 'cat-file', 'blob', object],
        { cwd: this.cwd, env: this.env, maxBuffer: maxLength + 1, encoding: 'buffer' },
        (err, stdout, stderr) => {
          if (err === null) resolve(new Uint8Array(stdout));
          else reject(gitError(['cat-file', 'blob', object], stderr.toString('utf8')));
        },
      );
    });
  }

  /**
   * Length and hex digests of `path` in the tree of `ref`, hashed as `git cat-file` streams it
   * (memory stays bounded whatever its size); undefined when there is no such file,
   * FILE_TOO_LARGE before reading when the blob is larger than `maxLength`.
   */
  async digestBlob(
    ref: string,
    path: string,
    maxLength: number,
    algorithms: readonly string[],
  ): Promise<MeasuredFile | undefined> {
    const object = `${ref}:${path}`;
    if (!(await this.hasBlob(object, maxLength))) return undefined;
    const digest = new StreamDigest(algorithms);
    return new Promise((resolve, reject) => {
      const child = spawn('git', [...this.prefix, 'cat-file', 'blob', object], {
        cwd: this.cwd,
        env: this.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        digest.update(chunk);
      });
      child.stderr.on('data', (chunk: Buffer) => {
        if (stderr.length < 4096) stderr += chunk.toString('utf8');
      });
      child.on('error', reject);
      child.on('close', (code) => {
        if (code === 0) resolve(digest.result());
        else reject(gitError(['cat-file', 'blob', object], stderr));
      });
    });
  }

  /** Names of the files directly in folder `dir` of the tree of `ref` (empty when none). */
  async listFiles(ref: string, dir: string): Promise<string[]> {
    const result = await this.exec(['ls-tree', '-z', '--name-only', `${ref}:${dir}`]);
    if (result.code !== 0) return [];
    return result.stdout.split('\0').filter((f) => f.length > 0);
  }

  /** Resolves a revision to a full commit id. */
  async revParse(ref: string): Promise<string> {
    const out = await this.run(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
    return out.trim();
  }
}

/** Refuses branch names git would reject (checked by git itself). */
async function assertBranchName(git: Git, name: string): Promise<void> {
  const result = await git.exec(['check-ref-format', '--branch', name]);
  if (result.code !== 0 || name.startsWith('-')) {
    throw new CeremonyError('PUBLISH', `"${name}" is not a valid git branch name`);
  }
}
