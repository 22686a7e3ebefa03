import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CeremonyFixture } from '../../helpers/ceremony.js';
import { git } from '../../helpers/git.js';
import { PROJECT_ROOT } from '../../helpers/fixtures.js';

// The workflows `init --github --refresh-workflow` writes run the exact tuf-ceremony version
// that wrote them and reference every action by commit; `publish --check` fails a repository
// whose workflows run an unpinned tuf-ceremony or an action by tag.

interface Workflow {
  jobs: Record<string, { uses?: string; steps?: { uses?: string; run?: string }[] }>;
}

const WORKFLOWS = ['tuf-ceremony-check.yml', 'tuf-ceremony-refresh.yml'];

describe('generated workflows', () => {
  it('are pinned, and publish --check refuses workflows that are not', async () => {
    const { version } = JSON.parse(await readFile(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    const ceremony = await CeremonyFixture.create(['alice'], 1, ['--github', '--refresh-workflow']);
    const dir = join(ceremony.dir, '.github', 'workflows');
    let runs = 0;
    for (const name of WORKFLOWS) {
      const wf = parse(await readFile(join(dir, name), 'utf8')) as Workflow;
      for (const job of Object.values(wf.jobs)) {
        expect(job.uses).toBeUndefined();
        for (const step of job.steps ?? []) {
          if (step.uses !== undefined) expect(step.uses).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
          for (const m of step.run?.matchAll(/\b(?:npx|npm exec)\b.*?(tuf-ceremony\S*)/g) ?? []) {
            expect(m[1]).toBe(`tuf-ceremony@${version}`);
            runs++;
          }
        }
      }
    }
    expect(runs).toBeGreaterThanOrEqual(5);

    for (const holder of ['alice', 'online']) await ceremony.addKey(holder);
    await git(ceremony.dir, ['add', '--all']);
    await git(ceremony.dir, ['commit', '-q', '-m', 'plan, keys and workflows']);
    await git(ceremony.dir, ['branch', '-M', 'main']);
    await git(ceremony.dir, ['switch', '-q', '-c', 'ceremony/first']);
    await ceremony.ok(['stage']);
    await git(ceremony.dir, ['add', '--all']);
    await git(ceremony.dir, ['commit', '-q', '-m', 'stage']);
    const check = ['publish', '--check', '--base', 'main'];
    const passed = await ceremony.ok(check);
    expect(passed.stdout).toMatch(
      /workflows: 2 file\(s\), every action by commit, tuf-ceremony pinned/,
    );

    const edit = async (name: string, from: RegExp, to: string): Promise<void> => {
      const file = join(dir, name);
      await writeFile(file, (await readFile(file, 'utf8')).replace(from, to));
      await git(ceremony.dir, ['commit', '-q', '-am', `edit ${name}`]);
    };
    // An action by tag.
    await edit(WORKFLOWS[0] ?? '', /actions\/checkout@[0-9a-f]{40}/, 'actions/checkout@v4');
    const byTag = await ceremony.run(check);
    expect(byTag.code).toBe(1);
    expect(byTag.stderr.trim().split('\n')).toHaveLength(1);
    expect(byTag.stderr).toMatch(
      /\.github\/workflows\/tuf-ceremony-check\.yml: job "check" uses "actions\/checkout@v4", not a full commit SHA/,
    );
    // The registry's latest tuf-ceremony, whatever it is, holding the online key.
    await git(ceremony.dir, ['reset', '-q', '--hard', 'HEAD~1']);
    await edit(WORKFLOWS[1] ?? '', /tuf-ceremony@[0-9.]+ refresh/, 'tuf-ceremony refresh');
    const unpinned = await ceremony.run(check);
    expect(unpinned.code).toBe(1);
    expect(unpinned.stderr.trim().split('\n')).toHaveLength(1);
    expect(unpinned.stderr).toMatch(
      /tuf-ceremony-refresh\.yml: job "refresh" runs "tuf-ceremony" unpinned; use the exact tuf-ceremony@X\.Y\.Z or npm ci from a committed package-lock\.json/,
    );
  });
});
