import { describe, expect, it } from 'vitest';
import { gitError, redactUrls, summarizeGitStderr } from '../../../src/publish/git-errors.js';

describe('git error summaries', () => {
  it('picks the fatal line and redacts credentials', () => {
    const stderr = [
      'remote: Invalid username or password.',
      "fatal: Authentication failed for 'https://x-access-token:ghp_secret@github.com/o/r.git/'",
    ].join('\n');
    expect(summarizeGitStderr(stderr)).toBe(
      "Authentication failed for 'https://***@github.com/o/r.git/'",
    );
  });

  it('names the rejected ref of a refused push', () => {
    const stderr = [
      'To /tmp/remote.git',
      ' ! [rejected]        ceremony/x -> ceremony/x (fetch first)',
      "error: failed to push some refs to '/tmp/remote.git'",
      'hint: Updates were rejected because the remote contains work that you do',
    ].join('\n');
    expect(summarizeGitStderr(stderr)).toBe(
      "failed to push some refs to '/tmp/remote.git' (! [rejected]        ceremony/x -> ceremony/x (fetch first))",
    );
  });

  it('names the conflicting file of a refused merge', () => {
    const out =
      'Auto-merging f\nCONFLICT (add/add): Merge conflict in f\nAutomatic merge failed; fix conflicts and then commit the result.\n';
    expect(summarizeGitStderr(out)).toBe('CONFLICT (add/add): Merge conflict in f');
  });

  it('builds a one-line PUBLISH error naming the command', () => {
    const e = gitError(
      ['push', 'https://u:p@h/o/r', 'main'],
      'fatal: could not read from remote\n',
    );
    expect(e.code).toBe('PUBLISH');
    expect(e.message).toBe('git push https://***@h/o/r main failed: could not read from remote');
    expect(redactUrls('ssh://git@host/x')).toBe('ssh://***@host/x');
  });
});
