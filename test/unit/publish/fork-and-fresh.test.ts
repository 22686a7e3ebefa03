import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forkOwner, onHolderBranch } from '../../../src/publish/fork.js';
import { commitFirstBase } from '../../../src/publish/fresh-repo.js';
import { Git } from '../../../src/publish/git.js';
import { GitHubClient } from '../../../src/publish/github.js';

const ENV = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
const CONFIG = {
  'user.name': 'Carol',
  'user.email': 'carol@example.org',
  'commit.gpgsign': 'false',
  'init.defaultBranch': 'trunk',
};
const CEREMONY = 'ceremony/c1';
const MINE = 'ceremony/c1--carol';

let tmp: string;
let n = 0;

async function repo(): Promise<Git> {
  n += 1;
  const dir = join(tmp, `r${n}`);
  await mkdir(dir);
  const git = new Git(dir, { env: ENV, config: CONFIG });
  await git.run(['init', '--quiet']);
  return git;
}

async function commitFile(git: Git, name: string, text: string): Promise<void> {
  await writeFile(join(git.cwd, name), text);
  await git.add([name]);
  await git.commit(`add ${name}`);
}

function message(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'no error',
    (err: unknown) => (err instanceof Error ? err.message : String(err)),
  );
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tuf-ceremony-fork-unit-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('onHolderBranch', () => {
  it('creates the holder branch at the ceremony branch and keeps the new signatures', async () => {
    const git = await repo();
    await commitFile(git, 'a.txt', 'a');
    await git.run(['switch', '--quiet', '--create', CEREMONY]);
    await writeFile(join(git.cwd, 'sig.json'), '{}');
    await onHolderBranch(git, CEREMONY, MINE);
    expect(await git.currentBranch()).toBe(MINE);
    expect(await git.revParse(MINE)).toBe(await git.revParse(CEREMONY));
    expect(await readFile(join(git.cwd, 'sig.json'), 'utf8')).toBe('{}');
    await onHolderBranch(git, CEREMONY, MINE);
    expect(await git.currentBranch()).toBe(MINE);
  });

  it('moves a merged holder branch forward, and refuses one with unmerged commits', async () => {
    const git = await repo();
    await commitFile(git, 'a.txt', 'a');
    await git.run(['switch', '--quiet', '--create', CEREMONY]);
    await git.run(['branch', MINE]);
    await commitFile(git, 'b.txt', 'b');
    await onHolderBranch(git, CEREMONY, MINE);
    expect(await git.revParse(MINE)).toBe(await git.revParse(CEREMONY));
    await commitFile(git, 'c.txt', 'c');
    await git.switchBranch(CEREMONY);
    const refused = await message(onHolderBranch(git, CEREMONY, MINE));
    expect(refused).toBe(
      `${MINE} has commits that ${CEREMONY} lacks: switch to it and merge ${CEREMONY} (git switch ${MINE} && git merge ${CEREMONY}), then publish again`,
    );
  });

  it('refuses to start from another branch than the ceremony branch', async () => {
    const git = await repo();
    await commitFile(git, 'a.txt', 'a');
    const refused = await message(onHolderBranch(git, CEREMONY, MINE));
    expect(refused).toMatch(/on trunk, not the ceremony branch ceremony\/c1: switch to it first/);
    expect(await git.branchExists(MINE)).toBe(false);
  });
});

describe('forkOwner', () => {
  it('takes the owner from a GitHub remote URL without asking the API', async () => {
    const git = await repo();
    await git.run(['remote', 'add', 'fork', 'git@github.com:carol/trust-root.git']);
    const offline = new GitHubClient({ token: 't', baseUrl: 'http://127.0.0.1:9', waitUnitMs: 1 });
    expect(await forkOwner(git, 'fork', offline)).toBe('carol');
    expect(await message(forkOwner(git, 'nope', offline))).toMatch(/no git remote named "nope"/);
  });
});

describe('commitFirstBase', () => {
  async function fresh(): Promise<Git> {
    const git = await repo();
    await writeFile(join(git.cwd, 'ceremony.yaml'), 'version: 1\n');
    await mkdir(join(git.cwd, 'keys', 'alice'), { recursive: true });
    await writeFile(join(git.cwd, 'keys', 'alice', 'k.json'), '{}');
    await mkdir(join(git.cwd, 'staged'));
    await writeFile(join(git.cwd, 'staged', 'root.json'), '{}');
    await mkdir(join(git.cwd, 'ceremony-logs', 'c1'), { recursive: true });
    await writeFile(join(git.cwd, 'ceremony-logs', 'c1', 'coordinator.jsonl'), '{}\n');
    await writeFile(join(git.cwd, 'ceremony-logs', 'c1', 'alice.jsonl'), '{}\n');
    return git;
  }

  it('commits the plan, keys and logs on the base branch, never staged/ or the transcript', async () => {
    const git = await fresh();
    const commit = await commitFirstBase(git, 'main', 'c1');
    expect(await git.currentBranch()).toBe('main');
    expect(await git.revParse('main')).toBe(commit);
    const files = (await git.run(['ls-tree', '-r', '--name-only', 'HEAD'])).trim().split('\n');
    expect(files).toEqual(['ceremony-logs/c1/alice.jsonl', 'ceremony.yaml', 'keys/alice/k.json']);
    expect(await message(commitFirstBase(git, 'main', 'c1'))).toMatch(/HEAD already has a commit/);
  });

  it('refuses when the index holds other staged files, committing nothing', async () => {
    const git = await fresh();
    await writeFile(join(git.cwd, 'notes.md'), 'x');
    await git.add(['notes.md', 'staged']);
    const refused = await message(commitFirstBase(git, 'main', 'c1'));
    expect(refused).toMatch(/staged files outside the ceremony \(notes\.md, staged\/root\.json\)/);
    expect(await git.headIsUnborn()).toBe(true);
  });

  it('refuses when branches exist but HEAD has no commit', async () => {
    const git = await fresh();
    await commitFile(git, 'x.txt', 'x');
    await git.run(['switch', '--quiet', '--orphan', 'empty']);
    const refused = await message(commitFirstBase(git, 'main', 'c1'));
    expect(refused).toMatch(/HEAD has no commit but branches exist \(trunk\); switch to main/);
  });
});
