import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CeremonyFixture } from '../../helpers/ceremony.js';

// A simulated month of operations with a fixed clock: one ceremony on day 0, then a daily
// `refresh` keeps the online roles fresh while the offline targets role walks into its window.

const DAY = 86_400_000;
const DAY0 = Date.parse('2026-12-01T09:00:00Z');

function at(day: number): string {
  return new Date(DAY0 + day * DAY).toISOString().replace('.000Z', 'Z');
}

interface ExpiryJson {
  status: string;
  roles: { role: string; state: string }[];
}

describe('a month of daily refreshes', () => {
  it('keeps timestamp fresh every day and reports targets entering its window on day 20', async () => {
    const ceremony = await CeremonyFixture.create(['alice', 'bob'], 1);
    await ceremony.editPlan((text) =>
      text
        .replace(/(timestamp: \{[^}]*expires: )1d, signing_window: 12h/, '$12d, signing_window: 1d')
        .replace(
          /(targets: \{[^}]*expires: )365d, signing_window: 60d/,
          '$140d, signing_window: 20d',
        )
        .replace(/(snapshot: \{[^}]*expires: )7d, signing_window: 2d/, '$17d, signing_window: 2d'),
    );
    const plan = await readFile(join(ceremony.dir, 'ceremony.yaml'), 'utf8');
    expect(plan).toMatch(/timestamp: \{.*expires: 2d, signing_window: 1d/);
    expect(plan).toMatch(/targets: \{.*expires: 40d, signing_window: 20d/);
    for (const holder of ['alice', 'bob', 'online']) await ceremony.addKey(holder);

    const day0 = { TUF_CEREMONY_NOW: at(0) };
    await ceremony.ok(['stage'], ceremony.dir, day0);
    expect((await ceremony.sign('alice', ceremony.dir, day0)).code).toBe(0);
    const finalized = await ceremony.finalize(day0);
    expect(finalized.code, finalized.stderr).toBe(0);

    const repo = join(ceremony.dir, 'repository');
    const timestampVersion = async (): Promise<{ version: number; expires: string }> =>
      (
        JSON.parse(await readFile(join(repo, 'timestamp.json'), 'utf8')) as {
          signed: { version: number; expires: string };
        }
      ).signed;
    let last = (await timestampVersion()).version;
    const online = ceremony.passphraseVar('online');
    const unknown = await ceremony.run(['refresh', 'tragets', '--passphrase-env', online]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /refresh tragets: no such role \(roles: root, snapshot, targets, timestamp\)/,
    );

    for (let day = 1; day <= 30; day++) {
      const env = { TUF_CEREMONY_NOW: at(day) };
      const refreshed = await ceremony.ok(
        ['refresh', '--passphrase-env', online],
        ceremony.dir,
        env,
      );
      if (day >= 20) expect(refreshed.stdout).toMatch(/inside their signing window: targets v1/);
      else expect(refreshed.stdout).not.toMatch(/inside their signing window/);
      // The offline role that is due gets a staged ceremony once; later days leave it alone.
      if (day === 20)
        expect(refreshed.stdout).toMatch(/staged ceremony \S+ for the holders: targets v2;/);
      if (day > 20) expect(refreshed.stdout).toMatch(/ceremony \S+ is staged for holders to sign/);
      // After the daily refresh the online roles are fresh, so only targets can be due.
      if (day === 19 || day === 20) {
        const expiry = await ceremony.run(['expiry', '--json'], env);
        const json = JSON.parse(expiry.stdout) as ExpiryJson;
        const targets = json.roles.find((r) => r.role === 'targets');
        expect(targets?.state, `day ${day}`).toBe(day === 19 ? 'ok' : 'window');
        expect(expiry.code, `day ${day}`).toBe(day === 19 ? 0 : 3);
      }
      const timestamp = await timestampVersion();
      expect(timestamp.version, `day ${day}`).toBeGreaterThan(last);
      expect(Date.parse(timestamp.expires), `day ${day}`).toBeGreaterThan(DAY0 + day * DAY);
      last = timestamp.version;
      await ceremony.ok(
        ['verify', '--root', join(repo, '1.root.json'), '--at', at(day), repo],
        ceremony.dir,
      );
    }
    expect(last).toBeGreaterThanOrEqual(31);
  }, 240_000);
});
