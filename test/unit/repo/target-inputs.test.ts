import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { targetFileFor } from '../../../src/metadata/build-targets.js';
import {
  readDelegatedTargetInputs,
  readTargetInput,
  removeTargetInput,
  rolesWithInput,
} from '../../../src/repo/target-inputs.js';

async function ceremonyDir(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'target-inputs-'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

describe('delegated target inputs on disk', () => {
  it('reads each delegation folder with the shared custom metadata', async () => {
    const root = await ceremonyDir({
      'delegated-targets/bins/packages/a.tgz': 'a',
      'delegated-targets/reg/reg/app.json': 'app',
      'targets/README.txt': 'top',
      'targets-custom.json': '{"reg/app.json": {"kind": "app"}}',
    });
    const inputs = await readDelegatedTargetInputs(root, ['reg', 'bins']);
    expect([...inputs.keys()]).toEqual(['bins', 'reg']);
    expect(inputs.get('reg')).toEqual({
      'reg/app.json': targetFileFor(new TextEncoder().encode('app'), { kind: 'app' }),
    });
    expect(await rolesWithInput(root, ['targets', 'reg', 'bins'], 'reg/app.json')).toEqual(['reg']);
    expect(await rolesWithInput(root, ['targets', 'reg'], 'packages/a.tgz')).toEqual([]);
  });

  it('refuses a folder no delegation is named after', async () => {
    const root = await ceremonyDir({ 'delegated-targets/old/x': 'x' });
    await expect(readDelegatedTargetInputs(root, ['reg'])).rejects.toThrow(
      /delegated-targets\/old: not the input folder of a delegation in ceremony\.yaml/,
    );
  });

  it('keeps an emptied role folder (with .gitkeep) so the role stages with no targets', async () => {
    const root = await ceremonyDir({ 'delegated-targets/bins/packages/deep/a.tgz': 'a' });
    await removeTargetInput(root, 'bins', 'packages/deep/a.tgz');
    expect(await readdir(join(root, 'delegated-targets', 'bins'))).toEqual(['.gitkeep']);
    expect((await readDelegatedTargetInputs(root, ['bins'])).get('bins')).toEqual({});
  });

  it('refuses a changed or missing input at finalize', async () => {
    const root = await ceremonyDir({ 'delegated-targets/reg/reg/app.json': 'changed' });
    const staged = targetFileFor(new TextEncoder().encode('app'));
    await expect(readTargetInput(root, 'reg/app.json', staged, 'reg')).rejects.toThrow(
      /reg\/app\.json: changed since it was staged/,
    );
    await expect(readTargetInput(root, 'reg/gone.json', staged, 'reg')).rejects.toThrow(
      /reg\/gone\.json: a staged target input is missing/,
    );
  });
});
