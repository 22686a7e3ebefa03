import { access, copyFile, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CeremonyFixture, treeDigest } from '../../helpers/ceremony.js';
import { git } from '../../helpers/git.js';

// Key material never enters the ceremony repository: key add refuses a key file inside it
// (also through a symlink) and writes nothing; a stray file in keys/ is reported by name and
// never crashes a command, and publish refuses to commit it; committed key records carry no
// local path; init's .gitignore keeps key files, core dumps and temporary files out.

const REFUSED =
  /^error: --key-file keys\/alice\.key: inside the ceremony repository .*trust-root, where git would commit the private key; keep it outside, e\.g\. --key-file \.\.\/keys\/alice\.key; nothing was written$/;

describe('key material and the ceremony repository', () => {
  it('refuses key files inside the repository, reports stray files, records no local paths', async () => {
    const ceremony = await CeremonyFixture.create(['alice', 'bob'], 1);
    const pass = ceremony.passphraseVar('alice');
    const before = await treeDigest(ceremony.dir);
    const keyAdd = (...flags: string[]) =>
      ceremony.run(['key', 'add', '--holder', 'alice', '--passphrase-env', pass, ...flags]);

    // The README's ../keys/alice.key without the ../: refused before a key is generated.
    const inside = await keyAdd('--generate', 'ed25519', '--key-file', 'keys/alice.key');
    expect(inside.code).toBe(2);
    expect(inside.stderr.trim()).toMatch(REFUSED);
    // Through a symlink outside that points into the repository.
    const link = join(ceremony.dir, '..', 'looks-outside');
    await symlink(ceremony.dir, link);
    const linked = await keyAdd('--generate', 'ed25519', '--key-file', join(link, 'k', 'a.key'));
    expect(linked.code).toBe(2);
    expect(linked.stderr).toMatch(/inside the ceremony repository/);
    expect(await treeDigest(ceremony.dir)).toEqual(before);
    // An existing key file enrolled by reference from inside the repository.
    await ceremony.addKey('bob');
    const bobKey = (await readdir(ceremony.keysDir)).find((f) => f.startsWith('bob-')) ?? '';
    const before2 = await treeDigest(ceremony.dir);
    await copyFile(join(ceremony.keysDir, bobKey), join(ceremony.dir, 'bob.key'));
    // (as alice, who has no key yet: bob's second key would be refused for being a second key)
    const byRef = await ceremony.run([
      'key',
      'add',
      '--holder',
      'alice',
      '--key-ref',
      'file:bob.key',
    ]);
    expect(byRef.code).toBe(2);
    expect(byRef.stderr).toMatch(/^error: --key-ref file:bob\.key: inside the ceremony repository/);
    await expect(access(join(ceremony.dir, 'keys', 'alice'))).rejects.toThrow();
    const after = await treeDigest(ceremony.dir);
    delete after['bob.key'];
    expect(after).toEqual(before2);

    // The committed record names the scheme only; the path stays on this machine.
    const [record] = await readdir(join(ceremony.dir, 'keys', 'bob'));
    const text = await readFile(join(ceremony.dir, 'keys', 'bob', record ?? ''), 'utf8');
    expect(JSON.parse(text)).toMatchObject({ holder: 'bob', key_ref_scheme: 'file' });
    expect(text).not.toContain('key_ref"');
    expect(text).not.toContain(ceremony.keysDir);

    // A stray private key in keys/ (the old ENOTDIR crash): reported by name, commands go on.
    await writeFile(join(ceremony.dir, 'keys', 'alice.key'), 'not a record');
    await ceremony.addKey('alice');
    await ceremony.addKey('online');
    const staged = await ceremony.ok(['stage']);
    expect(staged.stderr).toMatch(
      /warning: keys\/alice\.key: not an enrolled key record \(keys\/<holder>\/<keyid>\.json\), ignored/,
    );
    expect((await ceremony.sign('bob')).code).toBe(0);
    const publish = await ceremony.run(['publish', '--no-push']);
    expect(publish.code).toBe(1);
    expect(publish.stderr).toMatch(
      /error: keys\/alice\.key: not an enrolled key record; move it out of the ceremony repository before publishing/,
    );

    // init's .gitignore: key files, core dumps and temporary files stay out of git.
    // check-ignore exits 0 for an ignored path, 1 for one git would add.
    const ignored = (path: string): Promise<boolean> =>
      git(ceremony.dir, ['check-ignore', '--no-index', '-q', path]).then(
        () => true,
        () => false,
      );
    for (const path of [
      'keys/alice.key',
      'x.key.pem',
      'core',
      'core.4242',
      '.ceremony.yaml.1a2b.tmp',
    ])
      expect(await ignored(path), path).toBe(true);
    for (const path of [
      'ceremony.yaml',
      'keys/bob/a.json',
      'targets/ca.key',
      'repository/1.root.json',
    ])
      expect(await ignored(path), path).toBe(false);
  });
});
