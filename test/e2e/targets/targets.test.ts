import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CeremonyFixture, treeDigest } from '../../helpers/ceremony.js';
import { readWithTufJs } from '../../helpers/tuf-js-client.js';

// Target files through a ceremony: `targets add` with custom metadata, a staged targets version
// that lists them, finalize publishing the exact bytes, a client downloading them; then removal.

describe('targets add and remove', () => {
  it('publishes added targets with custom metadata, and removes them in a later ceremony', async () => {
    const ceremony = await CeremonyFixture.create(['alice', 'bob'], 1);
    for (const holder of ['alice', 'bob', 'online']) await ceremony.addKey(holder);
    const file = join(ceremony.dir, '..', 'app-config.json');
    await writeFile(file, '{"mediaType":"example"}\n');
    await ceremony.ok(['targets', 'add', file, '--custom', '{"sigstore":{"usage":"Unknown"}}']);
    const other = join(ceremony.dir, '..', 'notes.txt');
    await writeFile(other, 'release notes\n');
    await ceremony.ok(['targets', 'add', other, '--path', 'docs/notes.txt']);
    await ceremony.ok(['stage']);
    const review = await ceremony.ok(['review']);
    expect(review.stdout).toMatch(/\+ target app-config\.json \(24 bytes, sha256 [0-9a-f]{64}\)/);
    expect(review.stdout).toMatch(/\+ target docs\/notes\.txt/);
    expect((await ceremony.sign('alice')).code).toBe(0);
    const final = await ceremony.finalize();
    expect(final.code, final.stderr).toBe(0);
    const repo = join(ceremony.dir, 'repository');
    await ceremony.ok([
      'verify',
      '--root',
      join(repo, '1.root.json'),
      '--target',
      'app-config.json',
      '--target',
      'docs/notes.txt',
      repo,
    ]);
    const downloaded = await readWithTufJs(repo, ['app-config.json', 'docs/notes.txt']);
    expect(downloaded.get('docs/notes.txt')?.toString()).toBe('release notes\n');

    // A bad --custom writes nothing.
    const before = await treeDigest(ceremony.dir);
    const bad = await ceremony.run(['targets', 'add', other, '--custom', '[1]']);
    expect(bad.code).toBe(2);
    expect(await treeDigest(ceremony.dir)).toEqual(before);

    await ceremony.ok(['targets', 'remove', 'docs/notes.txt']);
    const staged = await ceremony.ok(['stage']);
    expect(staged.stdout).toMatch(/targets v2 .*target files added, changed or removed/);
    expect((await ceremony.sign('bob')).code).toBe(0);
    expect((await ceremony.finalize()).code).toBe(0);
    const verify = await ceremony.run([
      'verify',
      '--root',
      join(repo, '1.root.json'),
      '--target',
      'docs/notes.txt',
      repo,
    ]);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toMatch(/docs\/notes\.txt/);
    await readWithTufJs(repo, ['app-config.json']);
  });
});
