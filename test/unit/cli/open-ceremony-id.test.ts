import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTime } from '../../../src/metadata/time.js';
import { ceremonyPaths } from '../../../src/repo/ceremony-paths.js';
import { openCeremonyId, recordEvent } from '../../../src/cli/transcript.js';

// The ceremony in progress is the newest one unless it was finalized; older transcripts are
// never read (a repository's history of ceremonies costs nothing when the next one starts).

const at = (time: string): number => parseTime(time, 'test');

describe('the open ceremony', () => {
  it('is the newest unfinalized ceremony; after a finalized one, a new id of the day', async () => {
    const root = await mkdtemp(join(tmpdir(), 'tuf-ceremony-open-id-'));
    try {
      const paths = ceremonyPaths(root);
      expect(await openCeremonyId(paths, at('2026-01-01T10:00:00Z'))).toBe('2026-01-01');
      // An abandoned ceremony, then one that was finalized.
      await recordEvent(
        paths,
        'coordinator',
        at('2026-01-01T10:00:00Z'),
        'ceremony.started',
        '2026-01-01',
        {},
      );
      await recordEvent(
        paths,
        'coordinator',
        at('2026-02-01T10:00:00Z'),
        'ceremony.started',
        '2026-02-01',
        {},
      );
      expect(await openCeremonyId(paths, at('2026-02-01T11:00:00Z'))).toBe('2026-02-01');
      await recordEvent(
        paths,
        'coordinator',
        at('2026-02-01T12:00:00Z'),
        'ceremony.finalized',
        '2026-02-01',
        {},
      );
      expect(await openCeremonyId(paths, at('2026-03-01T10:00:00Z'))).toBe('2026-03-01');
      expect(await openCeremonyId(paths, at('2026-02-01T13:00:00Z'))).toBe('2026-02-01-2');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
