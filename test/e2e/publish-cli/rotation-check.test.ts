import { describe, expect, it } from 'vitest';
import { CeremonyFixture } from '../../helpers/ceremony.js';
import { git } from '../../helpers/git.js';

// `publish --check` on a rotation pull request: the plan edit and the new key travel with the
// drafts, and the check re-runs planning to prove the drafts follow from them. A plan edited
// after staging, or a key file swapped, fails the check in one line.

const NOW = { TUF_CEREMONY_NOW: '2026-11-23T10:00:00Z' };

describe('publish --check on a ceremony that changes the plan and keys', () => {
  it('passes when the drafts follow from ceremony.yaml and keys/, and fails when they do not', async () => {
    const ceremony = await CeremonyFixture.create(['alice', 'bob', 'carol'], 2);
    Object.assign(ceremony.env, NOW);
    for (const holder of ['alice', 'bob', 'carol', 'online']) await ceremony.addKey(holder);
    await ceremony.ok(['stage']);
    for (const holder of ['alice', 'bob']) expect((await ceremony.sign(holder)).code).toBe(0);
    expect((await ceremony.finalize()).code).toBe(0);
    await git(ceremony.dir, ['add', '-A']);
    await git(ceremony.dir, ['commit', '-q', '-m', 'first ceremony']);
    await git(ceremony.dir, ['branch', '-M', 'main']);

    // The rotation: dave replaces carol in the plan, enrolls, and the coordinator stages.
    await git(ceremony.dir, ['switch', '-q', '-c', 'ceremony/rotation']);
    await ceremony.editPlan((text) =>
      text
        .replace('holders:\n', 'holders:\n  dave: {}\n')
        .replaceAll('[alice, bob, carol]', '[alice, bob, dave]'),
    );
    await ceremony.addKey('dave');
    await ceremony.ok(['stage']);
    await git(ceremony.dir, ['add', '-A']);
    await git(ceremony.dir, ['commit', '-q', '-m', 'stage the rotation']);
    const check = ['publish', '--check', '--base', 'main'];
    const passed = await ceremony.ok(check);
    expect(passed.stdout).toMatch(/pull request scope: staged drafts/);
    expect(passed.stdout).toMatch(
      /staged drafts follow from ceremony\.yaml, keys\/ and the target inputs \(2 role\(s\)\)/,
    );

    // The plan changes after staging (threshold 2 -> 3) without a re-stage: refused.
    await ceremony.editPlan((text) =>
      text.replace(/( {2}root: \{ holders: \[alice, bob, dave\], threshold: )2/, '$13'),
    );
    await git(ceremony.dir, ['commit', '-q', '-am', 'raise the root threshold']);
    const stale = await ceremony.run(check);
    expect(stale.code).not.toBe(0);
    expect(stale.stderr.trim().split('\n')).toHaveLength(1);
    expect(stale.stderr).toMatch(
      /staged\/root\.json: is not what ceremony\.yaml, keys\/ and the target inputs give .*run tuf-ceremony stage --restage/,
    );
    // Re-staging brings the drafts in line again.
    await ceremony.ok(['stage', '--restage']);
    await git(ceremony.dir, ['add', '-A']);
    await git(ceremony.dir, ['commit', '-q', '-m', 'restage']);
    await ceremony.ok(check);

    // A new key for dave committed beside drafts that do not list it: refused.
    await ceremony.addKey('dave', 'ed25519', ['--replace']);
    await git(ceremony.dir, ['add', 'keys']);
    await git(ceremony.dir, ['commit', '-q', '-m', 'a second key for dave']);
    const extra = await ceremony.run(check);
    expect(extra.code).not.toBe(0);
    expect(extra.stderr).toMatch(/is not what ceremony\.yaml, keys\/ and the target inputs give/);
  });
});
