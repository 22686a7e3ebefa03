import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorReport } from '../../../src/cli/errors.js';
import { EXIT } from '../../../src/cli/exit-codes.js';
import { runCaptured } from '../../helpers/capture.js';

// File-system and git errors the user can cause: one line naming the file or argument and the
// fix, exit 1, never Node's own "ENOENT: no such file or directory, open '...'".

let base: string;
let dir: string;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'tuf-ceremony-fs-errors-'));
  dir = join(base, 'root');
  const init = await runCaptured(['init', dir, '--holders', 'alice', '--threshold', '1'], {
    cwd: base,
  });
  expect(init.code, init.stderr).toBe(EXIT.ok);
});

describe('file-system errors', () => {
  it('a missing or directory target file is named as typed, with the fix', async () => {
    const missing = await runCaptured(['targets', 'add', 'nope.txt'], { cwd: dir });
    expect(missing.code).toBe(EXIT.failed);
    expect(missing.stderr).toBe(
      'error: nope.txt: no such file or directory; check the path (ENOENT)',
    );
    await mkdir(join(base, 'folder'));
    const folder = await runCaptured(['targets', 'add', '../folder'], { cwd: dir });
    expect(folder.stderr).toBe(
      'error: ../folder: is a directory where a file is expected; give a file (EISDIR)',
    );
  });

  it('a stray file in keys/ never crashes a command', async () => {
    await writeFile(join(dir, 'keys', 'stray'), 'x');
    const status = await runCaptured(['status'], { cwd: dir });
    await rm(join(dir, 'keys', 'stray'));
    // The stray file is warned about by name (on stderr) and ignored; status goes on to its answer.
    expect(status.code).toBe(EXIT.failed);
    expect(status.stderr).toMatch(
      /^error: \S*staged: no ceremony in progress; run tuf-ceremony stage$/,
    );
  });

  it('a full disk, a read-only mount and a permission problem say what to do', () => {
    const cases = [
      ['ENOSPC', 'no space left on the device; free some space and run the command again'],
      ['EROFS', 'read-only file system; run the command in a writable directory'],
      ['EACCES', 'permission denied; check the owner and mode (ls -l) or run as the owner'],
    ] as const;
    for (const [code, fix] of cases) {
      const err = Object.assign(new Error(`${code}: raw`), { code, path: '/r/keys/a.json' });
      expect(errorReport(err)).toEqual({
        exit: EXIT.failed,
        code,
        message: `/r/keys/a.json: ${fix} (${code})`,
        file: '/r/keys/a.json',
      });
    }
    const control = Object.assign(new Error('x'), { code: 'ENOENT', path: 'a\u001b[2Jb' });
    expect(errorReport(control).message).toBe(
      'a\\u001b[2Jb: no such file or directory; check the path (ENOENT)',
    );
  });

  it('publish without a git remote says how to add one, before committing anything', async () => {
    const result = await runCaptured(['publish', '--no-pr'], { cwd: dir });
    expect(result.code).toBe(EXIT.failed);
    expect(result.stderr).toMatch(
      /^error: .*: no git remote named "origin"; add it \(git remote add origin URL\), name another with --remote, or only commit with --no-push$/,
    );
  });
});
