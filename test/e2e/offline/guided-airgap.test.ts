import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CeremonyFixture } from '../../helpers/ceremony.js';
import { emptyDir, signOffline } from '../../helpers/offline.js';
import { DOWN, inTerminal } from '../../helpers/terminal.js';

// The guided mode offers "sign on an air-gapped machine": a first session writes the request
// and says what to run offline; after sign-offline, a second session imports the response.

describe('guided air-gapped signing in a terminal', () => {
  it('exports the request, and after offline signing imports the response', async () => {
    const ceremony = await CeremonyFixture.create(['alice', 'bob'], 1);
    for (const holder of ['alice', 'bob', 'online']) await ceremony.addKey(holder);
    await ceremony.ok(['stage']);
    const outside = dirname(ceremony.dir);
    const exported = await inTerminal(
      ceremony.dir,
      [
        { expect: 'Who are you\\?', send: '\r' },
        { expect: 'How will you sign\\?', send: `${DOWN}\r` },
        { expect: 'Where should the signing request go', send: '\r' },
        { expect: 'choose "import the signed response"', send: '' },
      ],
      {},
    );
    expect(exported.code, exported.screen).toBe(0);
    expect(exported.screen).toMatch(
      /wrote the signing request for alice .* to .*alice\.request\.json/,
    );
    expect(exported.screen).toMatch(
      /tuf-ceremony sign-offline .*alice\.request\.json --key-ref file:KEY-FILE/,
    );

    const [keyFile] = await readdir(join(ceremony.dir, 'keys', 'alice'));
    const aliceRef = await ceremony.keyRef((keyFile ?? '').replace(/\.json$/, ''));
    const signed = await signOffline(
      [
        join(outside, 'alice.request.json'),
        '--key-ref',
        aliceRef,
        '--passphrase-env',
        'PASS',
        '--out',
        join(outside, 'alice.response.json'),
        '--yes',
      ],
      await emptyDir(),
      { PASS: ceremony.env[ceremony.passphraseVar('alice')] ?? '' },
    );
    expect(signed.code, signed.stderr).toBe(0);

    const imported = await inTerminal(
      ceremony.dir,
      [
        { expect: 'Who are you\\?', send: '\r' },
        { expect: 'How will you sign\\?', send: `${DOWN}${DOWN}\r` },
        { expect: 'Path of the signed response', send: '\r' },
        { expect: 'ready to finalize', send: '' },
      ],
      {},
    );
    expect(imported.code, imported.screen).toBe(0);
    expect(imported.screen).toMatch(/imported alice's signature of root v1 .*; verified/);
    expect((await ceremony.status()).code).toBe(0);
  });
});
