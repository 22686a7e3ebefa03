import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CeremonyFixture } from '../../helpers/ceremony.js';
import { runTool } from '../../helpers/cli.js';
import { bareRepo, emulatedGitHubEnv, headOf, pushFirstCommit } from '../../helpers/bare-remote.js';
import { git } from '../../helpers/git.js';
import { expectValid } from '../../helpers/json-schemas.js';
import { startGitHubEmulator, type GitHubEmulator } from '../../helpers/github-emulator/index.js';

const FULL = 'acme/trust-root';

/** What `publish --json` prints (docs/schemas/publish.schema.json). */
interface PublishJson {
  branch: string;
}
const NOW = '2026-11-23T10:00:00Z';

let tmp: string;
let bare: string;
let gh: GitHubEmulator;
let ceremony: CeremonyFixture;
let env: Record<string, string>;

function remoteHead(branch: string): Promise<string | undefined> {
  return headOf(bare, branch);
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tuf-ceremony-publish-cli-'));
  bare = await bareRepo(tmp, 'origin');
  gh = await startGitHubEmulator({
    tokens: { 'tok-coordinator': { login: 'acme-bot', access: 'write' } },
    repos: [{ owner: 'acme', name: 'trust-root', writers: ['acme-bot'] }],
    resolveBranch: (_owner, _repo, ref) => remoteHead(ref),
  });
  env = emulatedGitHubEnv(gh, 'tok-coordinator', NOW);
  ceremony = await CeremonyFixture.create(['alice', 'bob'], 2);
  Object.assign(ceremony.env, env);
  for (const holder of ['alice', 'bob', 'online']) await ceremony.addKey(holder);
  await pushFirstCommit(ceremony, bare);
  await ceremony.ok(['stage']);
});
afterAll(async () => {
  await gh.close();
  await rm(tmp, { recursive: true, force: true });
});
afterEach(() => {
  expect(gh.violations).toEqual([]);
});

describe('tuf-ceremony publish', () => {
  let branch: string;

  it('commits the staged drafts, pushes the ceremony branch and opens the pull request', async () => {
    const result = await ceremony.ok(['publish', '--repo', FULL, '--json']);
    const out = expectValid('publish', result.stdout) as PublishJson;
    branch = out.branch;
    expect(branch).toMatch(/^ceremony\/2026-11-23/);
    expect(out).toMatchObject({
      base: 'main',
      pushed: true,
      commit: await remoteHead(branch),
      pull: { number: 1, base: 'main', head: `acme:${branch}`, created: true, updated: false },
    });
    expect(await remoteHead(branch)).toBeDefined();
    const [pull, ...more] = gh.pulls(FULL);
    expect(more).toEqual([]);
    expect(pull?.title).toMatch(/root v1/);
    expect(pull?.title).toMatch(/targets v1/);
    expect(pull?.base.ref).toBe('main');
    expect(pull?.body).toContain(branch.slice('ceremony/'.length));
    expect(pull?.body).toMatch(/\|.*root.*\|/);
  });

  it('updates the body and posts one comment when a holder signs', async () => {
    const before = gh.pulls(FULL)[0]?.body;
    expect((await ceremony.sign('alice')).code).toBe(0);
    const result = await ceremony.ok(['publish', '--repo', FULL, '--holder', 'alice']);
    expect(result.stdout).toMatch(/pull request #1 updated: http/);
    const [pull] = gh.pulls(FULL);
    expect(pull?.body).not.toBe(before);
    expect(pull?.body).toContain('alice');
    const comments = gh.comments(FULL, pull?.number ?? 0);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain('alice');
  });

  it('leaves the remote and GitHub untouched with --no-push', async () => {
    const remoteBefore = await remoteHead(branch);
    const bodyBefore = gh.pulls(FULL)[0]?.body;
    const requests = gh.exchanges.length;
    expect((await ceremony.sign('bob')).code).toBe(0);
    const result = await ceremony.ok(['publish', '--holder', 'bob', '--no-push'], ceremony.dir, {
      GITHUB_TOKEN: '',
    });
    expect(result.stdout).toMatch(/nothing pushed/);
    expect(await remoteHead(branch)).toBe(remoteBefore);
    expect(gh.exchanges.length).toBe(requests);
    expect(gh.pulls(FULL)[0]?.body).toBe(bodyBefore);
    const log = await git(ceremony.dir, ['log', '-1', '--format=%s']);
    expect(log).toMatch(/bob signs root v1/);
    expect(await git(ceremony.dir, ['status', '--porcelain'])).toBe('');
  });

  it('refuses a pull request without a token in one line naming the variables', async () => {
    const result = await ceremony.run(['publish', '--repo', FULL], { GITHUB_TOKEN: '' });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(/^error: .*GITHUB_TOKEN.*GH_TOKEN/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('--check passes on the ceremony branch and on one holder signature', async () => {
    const whole = await ceremony.ok(['publish', '--check', '--base', 'main']);
    expect(whole.stdout).toMatch(/check passed/);
    const one = await ceremony.ok(['publish', '--check', '--base', 'HEAD~1', '--json']);
    expect(expectValid('publish', one.stdout)).toMatchObject({
      scope: { kind: 'signature', holder: 'bob' },
      lines: expect.arrayContaining([
        expect.stringMatching(/^pull request scope: signatures of bob/),
      ]) as string[],
    });
  });

  it('--check fails on a stored signature over the current bytes that does not verify', async () => {
    const file = join(ceremony.dir, 'staged', 'signatures', 'bob.json');
    const original = await readFile(file, 'utf8');
    const stored = JSON.parse(original) as { signatures: Record<string, { sig: string }[]> };
    const first = stored.signatures.root?.[0];
    if (first === undefined) throw new Error('bob has no root signature');
    first.sig = `${first.sig.startsWith('0') ? '1' : '0'}${first.sig.slice(1)}`;
    await writeFile(file, JSON.stringify(stored, null, 2));
    const result = await ceremony.run(['publish', '--check', '--base', 'HEAD~1']);
    const json = await ceremony.run(['publish', '--check', '--base', 'HEAD~1', '--json']);
    await writeFile(file, original);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(
      /^error: staged\/root\.json: signature of bob does not verify/,
    );
    expect(json.code).toBe(1);
    expect(json.stderr).toBe('');
    expect(expectValid('error', json.stdout)).toMatchObject({
      error: {
        code: 'SIGNATURE_INVALID',
        message: expect.stringMatching(/of bob does not verify/) as string,
      },
    });
  });

  it('--check fails when a file outside the ceremony scope changed', async () => {
    await writeFile(join(ceremony.dir, 'NOTES.md'), 'unrelated\n');
    await git(ceremony.dir, ['add', 'NOTES.md']);
    await git(ceremony.dir, ['commit', '--quiet', '-m', 'notes']);
    const result = await ceremony.run(['publish', '--check', '--base', 'main']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(
      /^error: changed outside the ceremony's scope.*NOTES\.md$/,
    );
  });

  it('publishes the finalize step: commit, push, a finalized status and one comment', async () => {
    await git(ceremony.dir, ['rm', '--quiet', 'NOTES.md']);
    await git(ceremony.dir, ['commit', '--quiet', '-m', 'drop notes']);
    const finalized = await ceremony.finalize();
    expect(finalized.code, finalized.stderr).toBe(0);
    const signedOnly = await ceremony.run(['publish', '--repo', FULL, '--holder', 'bob']);
    expect(signedOnly.code).toBe(2);
    expect(signedOnly.stderr).toMatch(/is finalized: there is nothing left to sign/);
    const result = await ceremony.ok(['publish', '--repo', FULL]);
    expect(result.stdout).toMatch(/pull request #1 updated/);
    const subject = await git(ceremony.dir, ['log', '-1', '--format=%s%n%b']);
    expect(subject).toMatch(/^ceremony \S+: finalize root v1, targets v1\n/);
    expect(subject).toMatch(/SHA-256 of the signed bytes:\n {2}root v1: sha256 [0-9a-f]{64}/);
    expect(subject).toMatch(/Signed-off-by: /);
    expect(await git(ceremony.dir, ['status', '--porcelain'])).toBe('');
    expect(await remoteHead(branch)).toBe((await git(ceremony.dir, ['rev-parse', 'HEAD'])).trim());
    const [pull] = gh.pulls(FULL);
    expect(pull?.body).toMatch(/\*\*Finalized:\*\* the signed metadata is in `repository\/`/);
    expect(pull?.body).toMatch(/`root` \| 1 \| .* \| 2\/2 ✅ \(alice, bob\)/);
    expect(pull?.body).toContain('of the signed bytes, as published');
    const finalizedComments = (): number =>
      gh.comments(FULL, pull?.number ?? 0).filter((c) => c.body.includes('📦 Finalized')).length;
    expect(finalizedComments()).toBe(1);
    await ceremony.ok(['publish', '--repo', FULL]);
    expect(finalizedComments()).toBe(1);
  });

  it('--check verifies the published repository of a finalize pull request', async () => {
    const passed = await ceremony.ok(['publish', '--check', '--base', 'HEAD~1']);
    expect(passed.stdout).toMatch(/scope: finalize/);
    expect(passed.stdout).toMatch(/published repository verifies: root v1/);
    const timestamp = join(ceremony.dir, 'repository', 'timestamp.json');
    const text = await readFile(timestamp, 'utf8');
    await writeFile(timestamp, text.replace(/"version": 1\b/, '"version": 7'));
    const tampered = await ceremony.run(['publish', '--check', '--base', 'HEAD~1']);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('tuf-ceremony publish with nothing staged', () => {
  it('names the missing ceremony in one line off a ceremony branch, and an unfinished one on it', async () => {
    const idle = await CeremonyFixture.create(['alice'], 1);
    await git(idle.dir, ['switch', '--quiet', '-c', 'main']);
    const off = await idle.run(['publish', '--no-push']);
    expect(off.code).toBe(1);
    expect(off.stderr.trim()).toMatch(
      /^error: \S+staged: no ceremony is staged and main is not a ceremony branch; stage a ceremony/,
    );
    await git(idle.dir, ['switch', '--quiet', '-c', 'ceremony/2026-11-23']);
    const unfinished = await idle.run(['publish', '--no-push']);
    expect(unfinished.code).toBe(1);
    expect(unfinished.stderr.trim()).toMatch(/ceremony 2026-11-23 is neither staged nor finalized/);
  });
});

describe('tuf-ceremony init --github', () => {
  it('writes the pull-request check workflow', async () => {
    const dir = join(tmp, 'with-workflow');
    const result = await runTool(
      ['init', dir, '--github', '--holders', 'a,b', '--threshold', '1'],
      {
        cwd: tmp,
        env,
      },
    );
    expect(result.code, result.stderr).toBe(0);
    const workflow = await readFile(join(dir, '.github/workflows/tuf-ceremony-check.yml'), 'utf8');
    expect(workflow).toContain('publish --check');
    await expect(access(join(dir, 'ceremony.yaml'))).resolves.toBeUndefined();
  });
});
