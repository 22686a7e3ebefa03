import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Git } from '../../../src/publish/git.js';
import { resolveGitHubRepo } from '../../../src/publish/target.js';
import { CHECK_WORKFLOW_PATH, renderCheckWorkflow } from '../../../src/publish/workflow.js';

let dir: string;
let git: Git;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tuf-ceremony-target-'));
  git = new Git(dir, {
    env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
  });
  await git.run(['init', '--quiet', '--initial-branch=main']);
  await git.run(['remote', 'add', 'origin', 'git@github.com:acme/trust-root.git']);
  await git.run(['remote', 'add', 'local', '/srv/git/trust-root.git']);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('resolveGitHubRepo', () => {
  it('takes --repo first, else the remote URL', async () => {
    expect(await resolveGitHubRepo(git, 'origin')).toEqual({ owner: 'acme', repo: 'trust-root' });
    expect(await resolveGitHubRepo(git, 'local', 'other/root')).toEqual({
      owner: 'other',
      repo: 'root',
    });
  });

  it('explains what to pass when it cannot tell', async () => {
    await expect(resolveGitHubRepo(git, 'local')).rejects.toThrow(
      'cannot tell the GitHub repository from remote "local"; pass --repo OWNER/NAME or --no-pr',
    );
    await expect(resolveGitHubRepo(git, 'origin', 'nope')).rejects.toThrow(
      '--repo "nope" is not OWNER/NAME',
    );
    await expect(resolveGitHubRepo(git, 'upstream')).rejects.toThrow(
      /no git remote named "upstream"; add it \(git remote add upstream URL\)/,
    );
  });
});

describe('renderCheckWorkflow', () => {
  it('is a pull-request workflow with a read-only token that runs publish --check', () => {
    expect(CHECK_WORKFLOW_PATH).toBe('.github/workflows/tuf-ceremony-check.yml');
    const wf = parse(renderCheckWorkflow({ install: { kind: 'exact', version: '0.1.0' } })) as {
      on: Record<string, unknown>;
      permissions: Record<string, string>;
      jobs: { check: { permissions: Record<string, string>; steps: Record<string, unknown>[] } };
    };
    expect(Object.keys(wf.on)).toEqual(['pull_request']);
    expect(wf.permissions).toEqual({});
    expect(wf.jobs.check.permissions).toEqual({ contents: 'read' });
    const steps = wf.jobs.check.steps;
    expect(steps[0]).toEqual({
      uses: 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683',
      with: { 'fetch-depth': 0, 'persist-credentials': false },
    });
    expect(steps.at(-1)).toEqual({ run: 'npx --yes tuf-ceremony@0.1.0 publish --check' });
  });

  it('refuses a version that is not exact or could inject shell or YAML', () => {
    for (const version of ['x; rm -rf /', '1.0.0\n  evil: 1', 'latest', '^1.0.0']) {
      expect(() => renderCheckWorkflow({ install: { kind: 'exact', version } })).toThrow(
        /invalid tuf-ceremony version/,
      );
    }
  });
});
