import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CeremonyFixture, treeDigest } from '../../helpers/ceremony.js';

// tuf-js rejects a whole role whose target paths (or custom keys) sort differently by UTF-16 and
// by code point; python-tuf accepts it. `targets add` refuses such a path up front.

describe('targets add refuses paths and custom keys tuf-js would misorder', () => {
  it('refuses u/😀.txt beside u/Ａ.txt and such --custom keys, writing nothing', async () => {
    const ceremony = await CeremonyFixture.create(['alice'], 1);
    const file = join(ceremony.dir, '..', 'a.txt');
    await writeFile(file, 'a\n');
    await ceremony.ok(['targets', 'add', file, '--path', 'u/Ａ.txt']);
    const before = await treeDigest(ceremony.dir);
    const refused = await ceremony.run(['targets', 'add', file, '--path', 'u/😀.txt']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      'error: "u/Ａ.txt" and "u/😀.txt": target paths of role targets that sort differently by UTF-16 and by code point; tuf-js would reject the whole role (rename one); nothing was added\n',
    );
    const custom = await ceremony.run([
      'targets',
      'add',
      file,
      '--path',
      'u/b.txt',
      '--custom',
      '{"Ａ":1,"😀":2}',
    ]);
    expect(custom.code).toBe(2);
    expect(custom.stderr).toMatch(/^error: --custom: keys "Ａ" and "😀" sort differently/);
    expect(await treeDigest(ceremony.dir)).toEqual(before);
    await ceremony.ok(['targets', 'add', file, '--path', 'u/b.txt']);
  });
});
