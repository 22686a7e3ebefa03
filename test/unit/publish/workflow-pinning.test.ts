import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderRefreshWorkflow } from '../../../src/publish/refresh-workflow.js';
import { TOOL_VERSION } from '../../../src/publish/tool-version.js';
import { auditWorkflow, lockfilePinsTool } from '../../../src/publish/workflow-audit.js';
import { renderCheckWorkflow } from '../../../src/publish/workflow.js';
import type { ToolInstall } from '../../../src/publish/workflow-tool.js';
import { PROJECT_ROOT } from '../../helpers/fixtures.js';

interface Step {
  uses?: string;
  run?: string;
  env?: Record<string, string>;
}
interface Job {
  permissions?: Record<string, string>;
  env?: unknown;
  steps: Step[];
}
interface Workflow {
  permissions: Record<string, string>;
  env?: unknown;
  jobs: Record<string, Job>;
}

const EXACT: ToolInstall = { kind: 'exact', version: '1.2.3' };
const LOCKFILE: ToolInstall = { kind: 'lockfile' };
const LOCK = JSON.stringify({
  lockfileVersion: 3,
  packages: {
    'node_modules/tuf-ceremony': { version: '1.2.3', integrity: 'sha512-AAAA' },
  },
});

function rendered(install: ToolInstall): { name: string; text: string; wf: Workflow }[] {
  return [renderCheckWorkflow({ install }), renderRefreshWorkflow({ install })].map((text, i) => ({
    name: i === 0 ? 'check.yml' : 'refresh.yml',
    text,
    wf: parse(text) as Workflow,
  }));
}

describe('generated workflows', () => {
  it('carry the version of package.json', async () => {
    const pkg = JSON.parse(await readFile(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(TOOL_VERSION).toBe(pkg.version);
    const runs = rendered({ kind: 'exact', version: TOOL_VERSION }).flatMap(({ wf }) =>
      Object.values(wf.jobs).flatMap((j) => j.steps.flatMap((s) => (s.run ? [s.run] : []))),
    );
    const tools = runs.flatMap((r) => r.match(/(?<=npx --yes )tuf-ceremony\S*/g) ?? []);
    expect(tools.length).toBeGreaterThan(4);
    expect(new Set(tools)).toEqual(new Set([`tuf-ceremony@${TOOL_VERSION}`]));
  });

  for (const install of [EXACT, LOCKFILE]) {
    it(`reference every action by commit with its version, least permissions, secrets per step (${install.kind})`, () => {
      for (const { name, text, wf } of rendered(install)) {
        expect(wf.permissions).toEqual({});
        expect(wf.env).toBeUndefined();
        for (const [jobName, job] of Object.entries(wf.jobs)) {
          expect(job.env).toBeUndefined();
          const perms = Object.entries(job.permissions ?? {});
          expect(perms.length, `${name} ${jobName}`).toBeGreaterThan(0);
          const writes = perms.filter(([, v]) => v === 'write').map(([k]) => k);
          // Only the jobs that push or open pull requests may write.
          expect(writes).toEqual(
            jobName === 'refresh'
              ? ['contents']
              : jobName === 'ceremony'
                ? ['contents', 'pull-requests']
                : [],
          );
          for (const step of job.steps) {
            if (step.uses !== undefined) {
              expect(step.uses).toMatch(/^actions\/[a-z-]+@[0-9a-f]{40}$/);
              // The YAML comment after the commit names the release.
              expect(text).toMatch(new RegExp(`${step.uses} # v\\d+\\.\\d+\\.\\d+\\n`));
            }
            const secrets = JSON.stringify(step).match(/secrets\.[A-Z_]+/g) ?? [];
            for (const s of secrets) expect(JSON.stringify(step.env ?? {})).toContain(s);
          }
        }
        const ctx = { lockfilePinsTool: install.kind === 'lockfile' };
        expect(auditWorkflow(text, name, ctx)).toEqual([]);
        if (install.kind === 'lockfile') {
          // npm ci runs before the first use of the tool in every job that runs it.
          for (const job of Object.values(wf.jobs)) {
            const runs = job.steps.flatMap((s) => (s.run ? [s.run] : []));
            expect(runs[0]).toBe('npm ci --no-audit --no-fund');
            expect(runs.slice(1).join('\n')).toMatch(/npx --no-install tuf-ceremony /);
          }
          // Without a lockfile that pins the tool, the same workflow is unpinned.
          expect(auditWorkflow(text, name, { lockfilePinsTool: false })[0]).toMatch(
            /runs "tuf-ceremony" unpinned/,
          );
        }
      }
    });
  }
});

describe('auditWorkflow', () => {
  const ctx = { lockfilePinsTool: false };
  const job = (steps: string): string => `jobs:\n  j:\n    steps:\n${steps}`;

  it('flags actions by tag or branch and accepts commits, local actions and image digests', () => {
    const text = job(
      [
        '      - uses: actions/checkout@v4',
        '      - uses: actions/setup-node@main',
        '      - uses: actions/cache@0c45773b623bea8c8e75f6c82b208c3cf94ea4f9',
        '      - uses: ./local-action',
        `      - uses: docker://alpine@sha256:${'a'.repeat(64)}`,
        '      - uses: docker://alpine:3',
        '',
      ].join('\n'),
    );
    expect(auditWorkflow(text, 'w.yml', ctx)).toEqual([
      'w.yml: job "j" uses "actions/checkout@v4", not a full commit SHA',
      'w.yml: job "j" uses "actions/setup-node@main", not a full commit SHA',
      'w.yml: job "j" uses "docker://alpine:3", not a full commit SHA',
    ]);
    expect(
      auditWorkflow('jobs:\n  r:\n    uses: org/repo/.github/workflows/x.yml@v1\n', 'w.yml', ctx),
    ).toEqual(['w.yml: job "r" uses "org/repo/.github/workflows/x.yml@v1", not a full commit SHA']);
  });

  it('flags tuf-ceremony without an exact version', () => {
    for (const run of [
      'npx --yes tuf-ceremony publish --check',
      'npx tuf-ceremony@latest refresh',
      'npm exec -- tuf-ceremony@^1.0.0 expiry',
      'npm install -g tuf-ceremony && tuf-ceremony verify',
      'cd x; npx "tuf-ceremony@1" stage',
      'npx --no-install tuf-ceremony stage',
    ]) {
      const problems = auditWorkflow(job(`      - run: ${run}\n`), 'w.yml', ctx);
      expect(problems, run).toHaveLength(1);
      expect(problems[0]).toMatch(
        /^w\.yml: job "j" runs "tuf-ceremony[^"]*" unpinned; use the exact/,
      );
    }
    for (const run of [
      'npx --yes tuf-ceremony@1.2.3 publish --check',
      'npm install -g tuf-ceremony@2.0.0-rc.1',
      'echo tuf-ceremony',
    ]) {
      expect(auditWorkflow(job(`      - run: ${run}\n`), 'w.yml', ctx), run).toEqual([]);
    }
    const fromLock = job('      - run: npm ci\n      - run: npx --no-install tuf-ceremony stage\n');
    expect(auditWorkflow(fromLock, 'w.yml', { lockfilePinsTool: true })).toEqual([]);
    expect(auditWorkflow(fromLock, 'w.yml', ctx)).toHaveLength(1);
  });

  it('refuses YAML it cannot parse without quoting it', () => {
    expect(auditWorkflow('jobs: [\u001b[31m', 'w.yml', ctx)).toEqual(['w.yml: is not valid YAML']);
  });

  it('accepts only a lockfile that pins an exact version with an integrity hash', () => {
    expect(lockfilePinsTool(LOCK)).toBe(true);
    expect(lockfilePinsTool(undefined)).toBe(false);
    expect(lockfilePinsTool('{')).toBe(false);
    for (const entry of [{ version: '1.2.3' }, { version: '^1.2.3', integrity: 'sha512-A' }]) {
      const lock = JSON.stringify({ packages: { 'node_modules/tuf-ceremony': entry } });
      expect(lockfilePinsTool(lock)).toBe(false);
    }
  });
});
