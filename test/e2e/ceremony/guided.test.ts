import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CeremonyFixture } from '../../helpers/ceremony.js';
import { DOWN, inTerminal } from '../../helpers/terminal.js';

// The guided mode (`tuf-ceremony` with no arguments) driven through a real pseudo-terminal: one
// holder's whole turn (who are you, review, confirm, hidden passphrase, signature, status), and
// Ctrl-C at a prompt leaving everything as it was.

describe('guided mode in a terminal', () => {
  it('walks a holder through their turn: review, confirm, passphrase, signature', async () => {
    const ceremony = await CeremonyFixture.create(['alice', 'bob', 'carol'], 2);
    for (const holder of ['alice', 'bob', 'carol', 'online']) await ceremony.addKey(holder);
    await ceremony.ok(['stage']);
    const passphrase = ceremony.env[ceremony.passphraseVar('bob')] ?? '';
    const { code, screen } = await inTerminal(
      ceremony.dir,
      [
        { expect: 'Who are you\\?', send: `${DOWN}\r` },
        { expect: 'How will you sign\\?', send: '\r' },
        { expect: 'Sign root, targets as bob\\?', send: 'y\r' },
        { expect: 'Passphrase for key file', send: `${passphrase}\r` },
        { expect: 'bob made 2 signature', send: '' },
      ],
      // Where key add kept the key references on this machine.
      { TUF_CEREMONY_KEY_REFS: ceremony.env.TUF_CEREMONY_KEY_REFS ?? '' },
    );
    expect(code, screen).toBe(0);
    expect(screen).toMatch(/bob must sign: root, targets/);
    expect(screen).toMatch(/sha256 of the bytes to sign: [0-9a-f]{64}/);
    expect(screen).toMatch(/signed root v1 with [0-9a-f]{8} \(new root v1\); verified/);
    expect(screen).toMatch(/root v1 .*needs signatures/);
    // The holder screen shows the room before and after signing.
    expect(screen).toMatch(/root v1: new root v1 0 of 2; missing alice, bob, carol/);
    expect(screen).toMatch(/Next: bob signs; then still waiting for alice, carol\./);
    expect(screen).toMatch(/root v1: new root v1 1 of 2; missing alice, carol/);
    expect(screen).toMatch(/Next: waiting for alice, carol; then the coordinator finalizes\./);
    expect(screen).not.toContain(passphrase);
    const stored = JSON.parse(
      await readFile(join(ceremony.dir, 'staged', 'signatures', 'bob.json'), 'utf8'),
    ) as { signatures: Record<string, unknown[]> };
    expect(Object.keys(stored.signatures).sort()).toEqual(['root', 'targets']);
  });

  it('leaves everything as it was on Ctrl-C at a prompt', async () => {
    const ceremony = await CeremonyFixture.create(['alice', 'bob'], 1);
    for (const holder of ['alice', 'bob', 'online']) await ceremony.addKey(holder);
    await ceremony.ok(['stage']);
    const { code, screen } = await inTerminal(
      ceremony.dir,
      [
        { expect: 'Who are you\\?', send: '\r' },
        { expect: 'How will you sign\\?', send: '\r' },
        { expect: 'Sign root, targets as alice\\?', send: '\u0003' },
      ],
      // Where key add kept the key references on this machine.
      { TUF_CEREMONY_KEY_REFS: ceremony.env.TUF_CEREMONY_KEY_REFS ?? '' },
    );
    expect(code, screen).toBe(130);
    expect(screen).toMatch(/cancelled; nothing was changed/);
    const status = await ceremony.status();
    expect(status.json.roles[0]?.checks[0]?.valid).toBe(0);
  });
});
