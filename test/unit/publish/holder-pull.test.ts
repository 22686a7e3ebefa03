import { describe, expect, it } from 'vitest';
import {
  ceremonyIdOfBody,
  renderHolderPrBody,
  renderHolderPrTitle,
  renderStatusSection,
} from '../../../src/publish/pr-body.js';
import type { CeremonyStatusView } from '../../../src/publish/status-view.js';

function view(validSigners: string[]): CeremonyStatusView {
  return {
    ceremonyId: '2026-11-23-root-v2',
    ready: false,
    roles: [
      {
        name: 'root',
        version: 2,
        expires: '2027-11-23T00:00:00Z',
        threshold: 2,
        validSigners,
        missing: ['alice', 'bob', 'carol'].filter((h) => !validSigners.includes(h)),
        stale: [],
        sha256: 'a'.repeat(64),
      },
    ],
  };
}

const INTO = 'ceremony/2026-11-23-root-v2';

describe('the pull request of one holder through a fork', () => {
  it('says whose signatures it carries in the title and the lead, then the status section', () => {
    expect(renderHolderPrTitle(view(['carol']), 'carol')).toBe(
      'TUF ceremony: signatures of carol for root v2',
    );
    const body = renderHolderPrBody(view(['carol']), 'carol', INTO);
    expect(body.split('\n')[0]).toBe(
      'Signatures of **carol** for root v2 (ceremony `2026-11-23-root-v2`), to merge into `ceremony/2026-11-23-root-v2`.',
    );
    expect(body.endsWith(renderStatusSection(view(['carol'])))).toBe(true);
    expect(ceremonyIdOfBody(body)).toBe('2026-11-23-root-v2');
  });

  it('rewrites only the status section on update, keeping what people wrote', () => {
    const first = renderHolderPrBody(view(['carol']), 'carol', INTO);
    const edited = `${first}\n\nReviewed on a call.`;
    const next = renderHolderPrBody(view(['alice', 'carol']), 'carol', INTO, edited);
    expect(next).toContain('2/2 ✅ (alice, carol)');
    expect(next.startsWith('Signatures of **carol**')).toBe(true);
    expect(next.endsWith('\n\nReviewed on a call.')).toBe(true);
  });

  it('escapes a holder name and keeps backticks out of the branch', () => {
    const body = renderHolderPrBody(view([]), '<b>x|y</b>', 'ceremony/`x`');
    expect(body).toContain('**&lt;b&gt;x\\|y&lt;/b&gt;**');
    expect(body).toContain('to merge into `ceremony/x`.');
  });
});
