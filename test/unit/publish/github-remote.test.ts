import { describe, expect, it } from 'vitest';
import { parseRemoteUrl, parseRepoName } from '../../../src/publish/github-remote.js';

describe('parseRemoteUrl', () => {
  it.each([
    ['https://github.com/sigstore/root-signing.git', 'github.com', 'sigstore', 'root-signing'],
    ['https://github.com/sigstore/root-signing', 'github.com', 'sigstore', 'root-signing'],
    ['https://github.com/sigstore/root-signing/', 'github.com', 'sigstore', 'root-signing'],
    ['https://x-access-token:abc@github.com/o/r.git', 'github.com', 'o', 'r'],
    [
      'git@github.com:theupdateframework/python-tuf.git',
      'github.com',
      'theupdateframework',
      'python-tuf',
    ],
    ['git@github.com:o/r', 'github.com', 'o', 'r'],
    ['ssh://git@github.example.org:2222/Org/My.Repo.git', 'github.example.org', 'Org', 'My.Repo'],
    ['ssh://git@GHE.corp/o/r', 'ghe.corp', 'o', 'r'],
    ['git://github.com/o/r.git', 'github.com', 'o', 'r'],
  ])('%s', (url, host, owner, repo) => {
    expect(parseRemoteUrl(url)).toEqual({ host, owner, repo });
  });

  it.each([
    '/tmp/remote.git',
    'file:///tmp/remote.git',
    '../remote',
    'C:\\repos\\r.git',
    'https://github.com/only-owner',
    'https://gitlab.com/group/sub/repo.git',
    'git@github.com:o/r/extra.git',
    'https://github.com/o/..',
    '',
  ])('rejects %s', (url) => {
    expect(parseRemoteUrl(url)).toBeUndefined();
  });
});

describe('parseRepoName', () => {
  it('accepts OWNER/NAME and nothing else', () => {
    expect(parseRepoName('acme/trust-root')).toEqual({ owner: 'acme', repo: 'trust-root' });
    expect(parseRepoName('acme')).toBeUndefined();
    expect(parseRepoName('acme/a/b')).toBeUndefined();
    expect(parseRepoName('acme/a b')).toBeUndefined();
  });
});
