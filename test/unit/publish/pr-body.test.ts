import { describe, expect, it } from 'vitest';
import { signatureLandedComment, thresholdsMetComment } from '../../../src/publish/comments.js';
import {
  ceremonyCommitMessage,
  ceremonyBranch,
  holderBranch,
} from '../../../src/publish/ceremony-git.js';
import {
  ceremonyIdOfBody,
  renderPrBody,
  renderPrTitle,
  renderStatusSection,
} from '../../../src/publish/pr-body.js';
import {
  roleThresholdMet,
  type CeremonyStatusView,
  type RoleStatusView,
} from '../../../src/publish/status-view.js';

const H1 = 'a'.repeat(64);
const H2 = 'b'.repeat(64);

function role(v: CeremonyStatusView, i: number): RoleStatusView {
  const r = v.roles[i];
  if (r === undefined) throw new Error(`no role ${i}`);
  return r;
}

function view(overrides: Partial<CeremonyStatusView> = {}): CeremonyStatusView {
  return {
    ceremonyId: '2026-11-23-root-v2-targets-v2',
    ready: false,
    roles: [
      {
        name: 'root',
        version: 2,
        expires: '2027-11-23T00:00:00Z',
        threshold: 2,
        validSigners: ['alice'],
        missing: ['bob', 'carol'],
        stale: [],
        sha256: H1,
        rootOld: { threshold: 1, validSigners: ['alice'], missing: [] },
      },
      {
        name: 'targets',
        version: 2,
        expires: '2027-11-23T00:00:00Z',
        threshold: 1,
        validSigners: ['alice'],
        missing: [],
        stale: ['bob'],
        sha256: H2,
      },
    ],
    ...overrides,
  };
}

describe('PR title and body', () => {
  it('names roles and versions in the title', () => {
    expect(renderPrTitle(view())).toBe('TUF ceremony: root v2, targets v2');
  });

  it('renders the status table exactly', () => {
    expect(renderStatusSection(view())).toBe(
      [
        '<!-- tuf-ceremony:status:start ceremony=2026-11-23-root-v2-targets-v2 -->',
        '### TUF ceremony `2026-11-23-root-v2-targets-v2`',
        '',
        '**Waiting for signatures:** 1 of 2 roles have met their threshold.',
        '',
        '| Role | Version | Expires | Valid signatures / threshold | Missing | Stale | SHA-256 of the bytes to sign |',
        '| --- | ---: | --- | --- | --- | --- | --- |',
        `| \`root\` | 2 | 2027-11-23T00:00:00Z | new root: 1/2 ⏳ (alice)<br>previous root: 1/1 ✅ (alice) | bob, carol | — | \`${H1}\` |`,
        `| \`targets\` | 2 | 2027-11-23T00:00:00Z | 1/1 ✅ (alice) | — | bob | \`${H2}\` |`,
        '',
        'Before signing, check that `tuf-ceremony sign` shows the same SHA-256 as this table.',
        'Stale signatures were made over other bytes and are not counted.',
        '<!-- tuf-ceremony:status:end -->',
      ].join('\n'),
    );
  });

  it('says when every threshold is met', () => {
    expect(renderStatusSection(view({ ready: true }))).toContain(
      '**Every threshold is met: ready to finalize.**',
    );
  });

  it('rewrites only its own section and keeps what people wrote around it', () => {
    const first = renderPrBody(view());
    expect(ceremonyIdOfBody(first)).toBe('2026-11-23-root-v2-targets-v2');
    const edited = `Notes from the coordinator.\n\n${first}\n\nThanks all.`;
    const signed = view();
    role(signed, 0).validSigners.push('bob');
    const next = renderPrBody(signed, edited);
    expect(next.startsWith('Notes from the coordinator.\n\n<!-- tuf-ceremony:status:start')).toBe(
      true,
    );
    expect(next.endsWith('<!-- tuf-ceremony:status:end -->\n\nThanks all.')).toBe(true);
    expect(next).toContain('new root: 2/2 ✅ (alice, bob)');
    expect(renderPrBody(view(), 'no marker here')).toBe(first);
    expect(ceremonyIdOfBody(null)).toBeUndefined();
  });

  it('escapes names so a holder name cannot inject markup or break the table', () => {
    const v = view();
    role(v, 1).stale = ['<!-- tuf-ceremony:status:end -->|x'];
    const body = renderStatusSection(v);
    expect(body).toContain('&lt;!-- tuf-ceremony:status:end --&gt;\\|x');
    expect(body.match(/tuf-ceremony:status:end -->/g)).toHaveLength(1);
  });

  it('lists the Sigstore trust material changes, escaped, inside the status section', () => {
    const body = renderStatusSection(
      view({
        trustChanges: [
          'closes CT log https://ctfe.sigstore.dev/2022 at 2030-01-01T00:00:00Z',
          'adds Fulcio CA https://x (chain: a -> <!-- tuf-ceremony:status:end -->, not after 2031)',
        ],
      }),
    );
    expect(body).toContain(
      '**Sigstore trust material changes** (what clients will trust once this is published):\n\n- closes CT log https://ctfe.sigstore.dev/2022 at 2030-01-01T00:00:00Z\n- adds Fulcio CA',
    );
    expect(body.match(/tuf-ceremony:status:end -->/g)).toHaveLength(1);
    expect(renderStatusSection(view())).not.toContain('Sigstore');
  });

  it('counts a threshold by distinct holders, old and new for root', () => {
    const r = role(view(), 0);
    expect(roleThresholdMet(r)).toBe(false);
    expect(roleThresholdMet({ ...r, validSigners: ['alice', 'alice'] })).toBe(false);
    expect(roleThresholdMet({ ...r, validSigners: ['alice', 'bob'] })).toBe(true);
    const noOld = {
      ...r,
      validSigners: ['alice', 'bob'],
      rootOld: { threshold: 2, validSigners: ['bob'], missing: ['x'] },
    };
    expect(roleThresholdMet(noOld)).toBe(false);
  });
});

describe('comments and commit messages', () => {
  it('marks comments by holder and by the bytes signed', () => {
    const a = signatureLandedComment(view(), 'alice');
    expect(a.marker).toMatch(/^<!-- tuf-ceremony:signed:alice:[0-9a-f]{16} -->$/);
    expect(a.body).toContain('**alice** signed root v2, targets v2.');
    expect(a.body).toContain('`root` 1/2, `targets` 1/1');
    expect(signatureLandedComment(view(), 'alice').marker).toBe(a.marker);
    const redraft = view();
    role(redraft, 0).sha256 = 'c'.repeat(64);
    expect(signatureLandedComment(redraft, 'alice').marker).not.toBe(a.marker);
    expect(thresholdsMetComment(view()).marker).toMatch(
      /^<!-- tuf-ceremony:ready:[0-9a-f]{16} -->$/,
    );
  });

  it('writes commit messages naming the step, roles, versions and hashes', () => {
    const roles = view().roles;
    expect(ceremonyCommitMessage({ kind: 'sign', ceremonyId: 'c1', holder: 'bob', roles })).toBe(
      [
        'ceremony c1: bob signs root v2, targets v2',
        '',
        'SHA-256 of the bytes to sign:',
        `  root v2: sha256 ${H1}`,
        `  targets v2: sha256 ${H2}`,
      ].join('\n'),
    );
    expect(ceremonyCommitMessage({ kind: 'stage', ceremonyId: 'c1', roles }).split('\n')[0]).toBe(
      'ceremony c1: stage root v2, targets v2',
    );
    expect(ceremonyCommitMessage({ kind: 'finalize', ceremonyId: 'c1', roles })).toContain(
      'SHA-256 of the signed bytes:',
    );
  });

  it('names branches and refuses names git cannot carry', () => {
    expect(ceremonyBranch('2026-11-23-root-v2')).toBe('ceremony/2026-11-23-root-v2');
    expect(holderBranch('2026-11-23-root-v2', 'alice')).toBe('ceremony/2026-11-23-root-v2--alice');
    expect(() => ceremonyBranch('a b')).toThrow(/cannot be part of a git branch name/);
    expect(() => holderBranch('x', '..')).toThrow(/holder "\.\."/);
  });
});
