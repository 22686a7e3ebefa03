import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  REFRESH_SECRETS,
  REFRESH_WORKFLOW_PATH,
  renderRefreshWorkflow,
} from '../../../src/publish/refresh-workflow.js';

interface Workflow {
  on: { schedule: { cron: string }[]; workflow_dispatch: unknown };
  permissions: Record<string, string>;
  concurrency: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<
    string,
    {
      needs?: string | string[];
      permissions?: Record<string, string>;
      steps: { uses?: string; run?: string; env?: Record<string, string> }[];
    }
  >;
}

describe('renderRefreshWorkflow', () => {
  it('schedules refresh, verify and push with the online key from secrets, then an expiry alert', () => {
    expect(REFRESH_WORKFLOW_PATH).toBe('.github/workflows/tuf-ceremony-refresh.yml');
    const wf = parse(
      renderRefreshWorkflow({ install: { kind: 'exact', version: '0.1.0' }, cron: '0 3 * * *' }),
    ) as Workflow;
    expect(wf.on.schedule).toEqual([{ cron: '0 3 * * *' }]);
    expect(wf.on).toHaveProperty('workflow_dispatch');
    expect(wf.permissions).toEqual({});
    expect(wf.jobs.refresh?.permissions).toEqual({ contents: 'write' });
    expect(wf.jobs.expiry?.permissions).toEqual({ contents: 'read' });
    expect(wf.concurrency['cancel-in-progress']).toBe(false);
    const runs = wf.jobs.refresh?.steps.flatMap((s) => (s.run === undefined ? [] : [s.run])) ?? [];
    expect(runs[0]).toContain(
      'npx --yes tuf-ceremony@0.1.0 refresh --no-stage --key-ref "file:$key"',
    );
    expect(runs[0]).toContain(`--passphrase-env ${REFRESH_SECRETS.passphrase}`);
    expect(runs[0]).toContain('umask 077');
    expect(runs[1]).toBe(
      'npx --yes tuf-ceremony@0.1.0 verify --root repository/1.root.json repository',
    );
    expect(runs[2]).toContain('git push');
    const env = wf.jobs.refresh?.steps.find((s) => s.env)?.env;
    expect(env).toEqual({
      ONLINE_KEY: `\${{ secrets.${REFRESH_SECRETS.key} }}`,
      [REFRESH_SECRETS.passphrase]: `\${{ secrets.${REFRESH_SECRETS.passphrase} }}`,
    });
    const ceremony = wf.jobs.ceremony;
    expect(ceremony?.needs).toBe('refresh');
    expect(ceremony?.permissions).toEqual({ contents: 'write', 'pull-requests': 'write' });
    const open = ceremony?.steps.at(-1);
    expect(open?.env?.GITHUB_TOKEN).toBe('${{ secrets.GITHUB_TOKEN }}');
    expect(open?.run).toContain("git ls-remote --heads origin 'ceremony/*'");
    expect(open?.run).toContain('npx --yes tuf-ceremony@0.1.0 publish --repo "$GITHUB_REPOSITORY"');
    expect(wf.jobs.expiry?.needs).toEqual(['refresh', 'ceremony']);
    expect(wf.jobs.expiry?.steps.at(-1)?.run).toBe('npx --yes tuf-ceremony@0.1.0 expiry');
  });

  it('refuses a malformed schedule or tool version', () => {
    expect(() => renderRefreshWorkflow({ cron: 'hourly' })).toThrow(/invalid cron schedule/);
    expect(() => renderRefreshWorkflow({ cron: '* * * *' })).toThrow(/invalid cron schedule/);
    expect(() =>
      renderRefreshWorkflow({ install: { kind: 'exact', version: '1.0.0; rm -rf /' } }),
    ).toThrow(/invalid tuf-ceremony version/);
  });
});
