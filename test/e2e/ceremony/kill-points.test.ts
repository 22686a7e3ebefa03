import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTemporaryName } from '../../../src/repo/temporary-files.js';
import { CeremonyFixture } from '../../helpers/ceremony.js';
import type { CliResult } from '../../helpers/cli.js';

// Issue 11, crash consistency: a command killed (SIGKILL, as a power cut) at each kill point,
// then run again, continues; afterwards no temporary file is left anywhere, the transcript
// records every counted signature (log verify passes), and the next ceremony starts clean.

/** Every temporary file or folder below `dir`, relative paths. */
async function temporaryFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => isTemporaryName(e.name))
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

function killed(result: CliResult): void {
  expect(result.signal, `${result.stdout}\n${result.stderr}`).toBe('SIGKILL');
}

describe('kill points', () => {
  it('every interrupted command continues on a rerun, leaving a clean ceremony', async () => {
    const ceremony = await CeremonyFixture.create(['alice', 'bob'], 1);
    const crashAt = (point: string) => ({ TUF_CEREMONY_CRASH_AT: point });
    const keyAdd = (holder: string) => [
      'key',
      'add',
      '--holder',
      holder,
      '--generate',
      'ed25519',
      '--key-file',
      join(ceremony.keysDir, `${holder}.key`),
      '--passphrase-env',
      ceremony.passphraseVar(holder),
    ];

    // key add --generate stopped after writing the key file, then after enrolling it.
    killed(await ceremony.run(keyAdd('alice'), crashAt('key-add:after-key-file')));
    const aliceRerun = await ceremony.ok(keyAdd('alice'));
    expect(aliceRerun.stderr).toMatch(/already exists \(an earlier run was stopped\)/);
    killed(await ceremony.run(keyAdd('bob'), crashAt('key-add:after-enroll')));
    await ceremony.ok(keyAdd('bob'));
    await ceremony.addKey('online');
    // A rerun of a finished enrollment is still refused: nothing is enrolled twice.
    expect((await ceremony.run(keyAdd('bob'))).stderr).toMatch(/already enrolled/);

    // targets add killed before the rename: the temporary file is never staged as a target.
    const input = join(ceremony.dir, '..', 'f2.bin');
    await writeFile(input, 'target bytes\n');
    killed(await ceremony.run(['targets', 'add', input], crashAt('write:before-rename:f2.bin')));
    expect(await temporaryFiles(join(ceremony.dir, 'targets'))).toHaveLength(1);
    const staged = await ceremony.ok(['stage', '--json']);
    expect(staged.stdout).not.toMatch(/tuf-ceremony-tmp/);
    const draft = await readFile(join(ceremony.dir, 'staged', 'targets.json'), 'utf8');
    expect(
      Object.keys((JSON.parse(draft) as { signed: { targets: object } }).signed.targets),
    ).toEqual([]);
    expect(await temporaryFiles(ceremony.dir)).toEqual([]);
    await ceremony.ok(['targets', 'add', input]);
    await ceremony.ok(['stage', '--restage']);

    // sign killed between saving the signature and appending its event: log verify fails until
    // the next command records the signature from the signature file, saying so.
    killed(await ceremony.sign('alice', ceremony.dir, crashAt('sign:before-event')));
    const broken = await ceremony.run(['log', 'verify']);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/alice's signature of root .* has no signature\.added event/);

    const resumed = await ceremony.sign('alice');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/recorded alice's signature of root .* interrupted sign/);
    await ceremony.ok(['log', 'verify']);

    // finalize killed while writing the repository, after its event, and while clearing staged/.
    const finalizeKill = await ceremony.finalize(crashAt('write:before-rename:timestamp.json'));
    killed(finalizeKill);
    expect(await temporaryFiles(join(ceremony.dir, 'repository'))).toHaveLength(1);
    killed(await ceremony.finalize(crashAt('finalize:after-event')));
    killed(await ceremony.finalize(crashAt('finalize:mid-clear')));
    const last = await ceremony.finalize();
    expect(last.code, last.stderr).toBe(0);
    expect(last.stdout).toMatch(/is finalized; nothing is staged/);

    expect(await temporaryFiles(ceremony.dir)).toEqual([]);
    await ceremony.ok(['log', 'verify']);
    const logs = join(ceremony.dir, 'ceremony-logs');
    const [id] = (await readdir(logs)).filter((n) => !n.startsWith('.'));
    const alice = await readFile(join(logs, id ?? '', 'alice.jsonl'), 'utf8');
    expect(alice).toMatch(/"recovered":"from staged\/signatures\/alice.json/);
    const coordinator = await readFile(join(logs, id ?? '', 'coordinator.jsonl'), 'utf8');
    expect(coordinator.match(/ceremony\.finalized/g)).toHaveLength(1);
    const repo = join(ceremony.dir, 'repository');
    await ceremony.ok(['verify', '--root', join(repo, '1.root.json'), repo]);

    // The next ceremony starts clean: no signature of the last one shows up as stale.
    await ceremony.ok(['stage', '--role', 'targets']);
    const { json } = await ceremony.status();
    expect(json.roles.flatMap((r) => r.stale)).toEqual([]);
    expect(json.roles.flatMap((r) => r.checks.flatMap((c) => c.signed_by))).toEqual([]);
  }, 240_000);
});
