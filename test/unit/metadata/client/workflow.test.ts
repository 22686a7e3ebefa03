import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeKeyid } from '../../../../src/metadata/keys.js';
import { targetFileNames, verifyRepository } from '../../../../src/metadata/client/index.js';
import { targetPathOfFile } from '../../../../src/metadata/client/target-file.js';
import { CeremonyError, type ErrorCode } from '../../../../src/metadata/errors.js';
import type { MemorySource } from './memory-source.js';
import { EARLIER, metaOf, NOW, resign, sign, signer, TestRepo } from './test-repo.js';

async function fresh(setup?: (repo: TestRepo) => void | Promise<void>) {
  const repo = await new TestRepo().init();
  await setup?.(repo);
  return { repo, source: await repo.publish() };
}

async function expectFailure(
  run: Promise<unknown>,
  code: ErrorCode,
  ...fragments: string[]
): Promise<CeremonyError> {
  const err = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CeremonyError);
  const ce = err as CeremonyError;
  expect(ce.code, ce.message).toBe(code);
  for (const f of fragments) expect(ce.message).toContain(f);
  expect(ce.message).not.toContain('\n');
  return ce;
}

function verify(repo: TestRepo, source: MemorySource, targets: string[] = [], extra = {}) {
  return verifyRepository({ trustedRoot: repo.trustedRoot(), source, now: NOW, targets, ...extra });
}

describe('verifyRepository on a synthetic repository', () => {
  it('verifies every role and finds targets through paths and hash bins', async () => {
    const { repo, source } = await fresh();
    const report = await verify(repo, source, [
      'files/a.txt',
      'other/z.txt',
      'bin/x.txt',
      'docs/only-fallback.txt',
    ]);
    expect(report.roles.map((r) => r.name)).toEqual([
      'root',
      'timestamp',
      'snapshot',
      'targets',
      'docs',
      'fallback',
      'hashed',
      'bin-0',
      'bin-1',
      'bin-2',
      'bin-3',
    ]);
    expect(report.targets.map((t) => t.role)).toEqual([
      'targets',
      'fallback',
      expect.stringMatching(/^bin-[0-3]$/),
      'fallback',
    ]);
    expect(report.targets[0]?.file).toMatch(/^files\/[0-9a-f]{64}\.a\.txt$/);
    expect(report.warnings).toEqual([]);
  });

  it('uses plain file names without consistent snapshots', async () => {
    const { repo, source } = await fresh(async (r) => {
      r.consistent = false;
      r.roots = [await sign(r.rootSigned(1), r.rootKeys)];
    });
    await verify(repo, source, ['files/a.txt']);
    expect(source.requests).toEqual(
      expect.arrayContaining([
        'timestamp.json',
        'snapshot.json',
        'targets.json',
        'docs.json',
        'targets/files/a.txt',
      ]),
    );
    expect(source.requests.some((n) => /^\d+\.(snapshot|targets)\.json$/.test(n))).toBe(false);
  });

  it('stops the search at a terminating delegation', async () => {
    const { repo, source } = await fresh((r) => {
      const d = r.roles.get('targets')?.delegations?.roles?.[0];
      if (d) d.terminating = true;
    });
    await expectFailure(
      verify(repo, source, ['docs/only-fallback.txt']),
      'TARGET_NOT_FOUND',
      'docs/only-fallback.txt',
      '5.7',
    );
    await verify(repo, source, ['other/z.txt']);
  });

  it('ends the whole search at a terminating delegation deeper in the tree', async () => {
    const { repo, source } = await fresh((r) => {
      const docs = r.roles.get('docs');
      if (!docs) throw new Error('no docs role');
      const key = r.delegateKey;
      r.roles.set('docs-inner', { ...docs, targets: {} });
      docs.delegations = {
        keys: { [key.keyid]: key.key },
        roles: [
          {
            name: 'docs-inner',
            keyids: [key.keyid],
            threshold: 1,
            terminating: true,
            paths: ['docs/*'],
          },
        ],
      };
    });
    const report = await verify(repo, source, ['other/z.txt']);
    expect(report.roles.map((r) => r.name)).toContain('docs-inner');
    // targets -> docs -> docs-inner (terminating, without the file): fallback is never searched.
    await expectFailure(
      verify(repo, source, ['docs/only-fallback.txt']),
      'TARGET_NOT_FOUND',
      'docs/only-fallback.txt',
    );
  });

  it('refuses a succinct delegation with more bins than snapshot lists, before naming them', async () => {
    const { repo, source } = await fresh((r) => {
      const succinct = r.roles.get('hashed')?.delegations?.succinct_roles;
      if (!succinct) throw new Error('no bins');
      succinct.bit_length = 30;
    });
    await expectFailure(
      verify(repo, source),
      'FILE_MISSING',
      'hashed (1.hashed.json)',
      'delegates 1073741824 hash bins',
      'TAP 15',
    );
  });

  it('follows a root rotation signed by the old and the new keys', async () => {
    const { repo, source } = await fresh(async (r) => {
      const next = [signer(21), signer(22)];
      await r.rotateRoot(next, [...r.rootKeys, ...next]);
    });
    const report = await verify(repo, source);
    expect(report.root.version).toBe(2);
    expect(report.root.chain[0]?.oldRoot.signed).toHaveLength(2);
    expect(report.root.chain[0]?.newRoot.signed).toHaveLength(2);
  });

  it('rejects a root rotation signed only by the new keys', async () => {
    const { repo, source } = await fresh(async (r) => {
      const next = [signer(21), signer(22)];
      await r.rotateRoot(next, next);
    });
    await expectFailure(
      verify(repo, source),
      'THRESHOLD_NOT_MET',
      'root v2',
      '2.root.json',
      '5.3.4',
      'old root',
    );
  });

  it('rejects a root rotation signed only by the old keys', async () => {
    const { repo, source } = await fresh(async (r) => {
      const old = r.rootKeys;
      await r.rotateRoot([signer(21), signer(22)], old);
    });
    await expectFailure(verify(repo, source), 'THRESHOLD_NOT_MET', '2.root.json', 'new root');
  });

  it('counts one public key listed under two keyids once', async () => {
    const { repo, source } = await fresh(async (r) => {
      const a = r.rootKeys[0];
      if (!a) throw new Error('no key');
      const signed = r.rootSigned(2, [a]);
      const twinKey = { ...a.key, 'x-twin': 'same key' };
      const twinId = computeKeyid(twinKey);
      signed.keys[twinId] = twinKey;
      signed.roles.root = { keyids: [a.keyid, twinId], threshold: 2 };
      const env = await sign(signed, r.rootKeys);
      env.signatures.push({ keyid: twinId, sig: env.signatures[0]?.sig ?? '' });
      r.roots.push(env);
    });
    const err = await expectFailure(
      verify(repo, source),
      'THRESHOLD_NOT_MET',
      '2.root.json',
      'new root',
    );
    expect(err.message).toContain('1 of 2');
  });

  it('rejects a root whose version is not N+1', async () => {
    const { repo, source } = await fresh();
    source.setJson('2.root.json', await sign(repo.rootSigned(3), repo.rootKeys));
    await expectFailure(
      verify(repo, source),
      'VERSION_MISMATCH',
      '2.root.json',
      '5.3.5',
      'expected 2',
    );
    source.setJson('2.root.json', await sign(repo.rootSigned(1), repo.rootKeys));
    await expectFailure(
      verify(repo, source),
      'VERSION_ROLLBACK',
      'root v2 (2.root.json)',
      'version 1',
    );
  });

  it('ignores the expiry of intermediate roots but not of the final root', async () => {
    const { repo, source } = await fresh(async (r) => {
      r.roots = [];
      r.expires = EARLIER;
      r.roots.push(await sign(r.rootSigned(1), r.rootKeys));
      r.expires = '2031-01-01T00:00:00Z';
      r.roots.push(await sign(r.rootSigned(2), r.rootKeys));
    });
    expect((await verify(repo, source)).root.version).toBe(2);
    source.files.delete('2.root.json');
    await expectFailure(
      verify(repo, source),
      'EXPIRED',
      'root v1',
      '5.3.10',
      '2029-01-01T00:00:00Z',
    );
  });

  it('rejects snapshot length and hash mismatches', async () => {
    const built = await fresh();
    const other = await fresh((r) => {
      r.snapshotVersion = 10;
    });
    // timestamp lists snapshot v1 with its length and hash; a longer, validly signed one is served.
    built.source.files.set(
      '1.snapshot.json',
      other.source.files.get('10.snapshot.json') as Uint8Array,
    );
    await expectFailure(
      verify(built.repo, built.source),
      'FILE_TOO_LARGE',
      'snapshot (1.snapshot.json)',
      '5: download at most',
    );
    // Without its final newline the file still parses and its signature holds: only the length differs.
    built.source.files.set(
      '1.snapshot.json',
      (await fresh()).source.files.get('1.snapshot.json')?.slice(0, -1) as Uint8Array,
    );
    await expectFailure(
      verify(built.repo, built.source),
      'LENGTH_MISMATCH',
      'snapshot (1.snapshot.json)',
      '5.5.2',
    );
    const same = await fresh();
    same.source.edit('1.snapshot.json', (b) => {
      const copy = new Uint8Array(b);
      const i = copy.lastIndexOf(0x22) - 1; // last hex digit of the signature
      copy[i] = copy[i] === 0x30 ? 0x31 : 0x30;
      return copy;
    });
    await expectFailure(
      verify(same.repo, same.source),
      'HASH_MISMATCH',
      'snapshot',
      '1.snapshot.json',
      'sha256',
    );
  });

  it('rejects a snapshot whose version differs from the one timestamp lists', async () => {
    const { repo, source } = await fresh();
    await resign(source, '1.snapshot.json', [repo.snapshotKey], (s) => {
      s.version = 2;
    });
    await resign(source, 'timestamp.json', [repo.timestampKey], (s) => {
      metaOf(s)['snapshot.json'] = { version: 1 };
    });
    await expectFailure(
      verify(repo, source),
      'VERSION_MISMATCH',
      'snapshot',
      '1.snapshot.json',
      'version 2',
      '5.5.4',
    );
  });

  it('rejects a targets role whose version differs from the one snapshot lists', async () => {
    const { repo, source } = await fresh();
    await resign(source, '1.docs.json', [repo.delegateKey], (s) => {
      s.version = 7;
    });
    await resign(source, '1.snapshot.json', [repo.snapshotKey], (s) => {
      metaOf(s)['docs.json'] = { version: 1 };
    });
    await resign(source, 'timestamp.json', [repo.timestampKey], (s) => {
      metaOf(s)['snapshot.json'] = { version: 1 };
    });
    await expectFailure(verify(repo, source), 'VERSION_MISMATCH', 'docs', '1.docs.json', '5.6.4');
  });

  it('rejects a delegated role signed by a key its delegator does not trust', async () => {
    const { repo, source } = await fresh();
    await resign(source, '1.fallback.json', [signer(99)], () => undefined);
    await resign(source, '1.snapshot.json', [repo.snapshotKey], (s) => {
      metaOf(s)['fallback.json'] = { version: 1 };
    });
    await resign(source, 'timestamp.json', [repo.timestampKey], (s) => {
      metaOf(s)['snapshot.json'] = { version: 1 };
    });
    await expectFailure(
      verify(repo, source),
      'THRESHOLD_NOT_MET',
      'fallback',
      '1.fallback.json',
      "targets's keys",
    );
  });

  it('rejects an expired timestamp, snapshot, targets or delegated role', async () => {
    for (const [file, key, role] of [
      ['timestamp.json', 'timestampKey', 'timestamp'],
      ['1.snapshot.json', 'snapshotKey', 'snapshot'],
      ['1.targets.json', 'targetsKey', 'targets'],
      ['1.docs.json', 'delegateKey', 'docs'],
    ] as const) {
      const { repo, source } = await fresh();
      await resign(source, file, [repo[key]], (s) => {
        s.expires = EARLIER;
      });
      if (file !== 'timestamp.json') {
        if (file !== '1.snapshot.json') {
          await resign(source, '1.snapshot.json', [repo.snapshotKey], (s) => {
            metaOf(s)[file.slice(2)] = { version: 1 };
          });
        }
        await resign(source, 'timestamp.json', [repo.timestampKey], (s) => {
          metaOf(s)['snapshot.json'] = { version: 1 };
        });
      }
      await expectFailure(
        verify(repo, source),
        'EXPIRED',
        `${role} (${file})`,
        'expired on 2029-01-01T00:00:00Z',
      );
    }
  });

  it('rejects a rollback of the timestamp or of a role snapshot lists', async () => {
    const { repo, source } = await fresh((r) => {
      r.timestampVersion = 5;
    });
    const newer = await fresh((r) => {
      r.timestampVersion = 6;
    });
    const previous = { timestamp: newer.source.files.get('timestamp.json') as Uint8Array };
    await expectFailure(
      verify(repo, source, [], { previous }),
      'VERSION_ROLLBACK',
      'timestamp (timestamp.json)',
      'version 5',
      'trusted version 6',
      '5.4.3.1',
    );
    await verify(repo, source, [], {
      previous: { timestamp: source.files.get('timestamp.json') as Uint8Array },
    });
    const snap = source.json('1.snapshot.json') as { signed: Record<string, unknown> };
    metaOf(snap.signed)['docs.json'] = { version: 2 };
    const old = new TextEncoder().encode(JSON.stringify(snap));
    await expectFailure(
      verify(repo, source, [], { previous: { snapshot: old } }),
      'VERSION_ROLLBACK',
      'snapshot',
      'docs.json version 1',
      '5.5.5',
    );
  });

  it('rejects changed, missing and oversized target files', async () => {
    const { repo, source } = await fresh();
    const name = [...source.files.keys()].find((n) => n.endsWith('.a.txt')) as string;
    source.edit(name, (b) => new Uint8Array(b).map((x, i) => (i === 0 ? x ^ 1 : x)));
    await expectFailure(
      verify(repo, source, ['files/a.txt']),
      'HASH_MISMATCH',
      'target listed by targets',
      name.slice(8),
      '5.7.3',
    );
    source.edit(name, (b) => new Uint8Array([...b, 0x0a]));
    await expectFailure(verify(repo, source, ['files/a.txt']), 'FILE_TOO_LARGE', name.slice(8));
    source.files.delete(name);
    await expectFailure(verify(repo, source, ['files/a.txt']), 'FILE_MISSING', name.slice(8));
    await expectFailure(
      verify(repo, source, ['files/none.txt']),
      'TARGET_NOT_FOUND',
      'files/none.txt',
    );
    await expectFailure(
      verify(repo, source, ['../1.root.json']),
      'TARGET_NOT_FOUND',
      'not a relative target path',
    );
  });

  it('checks named target files against their listing, and refuses unlisted and removed ones', async () => {
    const { repo, source } = await fresh();
    const names = [...source.files.keys()].filter((n) => /\/[0-9a-f]+\.a\.txt$/.test(n));
    expect(names.length).toBeGreaterThan(0);
    const files = names.map((n) => n.slice('targets/'.length));
    const report = await verify(repo, source, [], { targetFiles: files });
    expect(report.targets.map((t) => [t.path, t.file])).toEqual(
      files.map((f) => ['files/a.txt', f]),
    );
    // Each named file is read itself, not only the first name a client would fetch.
    const second = names[names.length - 1] as string;
    source.edit(second, (b) => new Uint8Array(b).map((x, i) => (i === 0 ? x ^ 1 : x)));
    await expectFailure(
      verify(repo, source, [], { targetFiles: files }),
      'HASH_MISMATCH',
      `targets/${second.slice(8)}`,
      '5.7.3',
    );
    for (const unlisted of ['files/b.txt', `files/${'0'.repeat(64)}.a.txt`, 'a.txt', '../x']) {
      await expectFailure(
        verify(repo, source, [], { targetFiles: [unlisted] }),
        'TARGET_NOT_FOUND',
        'not a file of any target a trusted targets role lists',
      );
    }
    await expectFailure(
      verify(repo, source, [], { removedTargetFiles: [files[0]] }),
      'FILE_MISSING',
      'removed, yet a trusted targets role still lists it',
    );
    await verify(repo, source, [], {
      removedTargetFiles: ['files/b.txt', `files/${'0'.repeat(64)}.a.txt`],
    });
  });

  it('maps a target file name back to its target path', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.stringMatching(/^[a-z0-9._-]{1,8}$/).filter((s) => s !== '.' && s !== '..'),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
        fc.stringMatching(/^[0-9a-f]{64}$/),
        (segments, hash) => {
          const path = segments.join('/');
          const info = { length: 1, hashes: { sha256: hash } };
          for (const file of targetFileNames(path, info, true))
            expect(targetPathOfFile(file, true)).toBe(path);
          expect(targetPathOfFile(path, false)).toBe(path);
        },
      ),
    );
    expect(targetPathOfFile('files/a.txt', true)).toBeUndefined();
  });

  it('rejects truncated, mistyped, oversized and missing metadata', async () => {
    const cases: [string, (s: MemorySource) => void, ErrorCode, string][] = [
      [
        'truncated timestamp',
        (s) => {
          s.edit('timestamp.json', (b) => b.slice(0, 100));
        },
        'METADATA_INVALID',
        'timestamp (timestamp.json): not valid JSON',
      ],
      [
        'truncated root',
        (s) => {
          s.edit('1.targets.json', (b) => b.slice(0, 100));
        },
        'LENGTH_MISMATCH',
        'targets (1.targets.json)',
      ],
      [
        'snapshot served as timestamp',
        (s) => s.files.set('timestamp.json', s.files.get('1.snapshot.json') as Uint8Array),
        'METADATA_INVALID',
        'signed._type: must be "timestamp"',
      ],
      [
        'oversized timestamp',
        (s) => {
          s.edit(
            'timestamp.json',
            (b) => new Uint8Array([...b, ...new Uint8Array(20_000).fill(0x20)]),
          );
        },
        'FILE_TOO_LARGE',
        'timestamp (timestamp.json): larger than the limit of 16384 bytes',
      ],
      [
        'missing targets',
        (s) => s.files.delete('1.targets.json'),
        'FILE_MISSING',
        'targets (1.targets.json): file not found',
      ],
      [
        'missing bin',
        (s) => s.files.delete('1.bin-2.json'),
        'FILE_MISSING',
        'bin-2 (1.bin-2.json)',
      ],
      [
        'not UTF-8',
        (s) => s.files.set('timestamp.json', new Uint8Array([0xff, 0xfe])),
        'METADATA_INVALID',
        'not valid UTF-8',
      ],
    ];
    for (const [, change, code, fragment] of cases) {
      const { repo, source } = await fresh();
      change(source);
      await expectFailure(verify(repo, source), code, fragment);
    }
  });

  it('rejects a root with a mistyped field and an oversized root', async () => {
    const { repo, source } = await fresh(async (r) => {
      await r.rotateRoot(r.rootKeys, r.rootKeys);
    });
    const env = source.json('2.root.json') as { signed: Record<string, unknown> };
    env.signed.version = '2';
    source.setJson('2.root.json', env);
    await expectFailure(
      verify(repo, source),
      'METADATA_INVALID',
      'root v2 (2.root.json): signed.version',
    );
    source.files.set('2.root.json', new Uint8Array(600 * 1024).fill(0x20));
    await expectFailure(verify(repo, source), 'FILE_TOO_LARGE', 'root v2 (2.root.json)', '524288');
  });
});
