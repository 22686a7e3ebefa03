import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../../src/cli/errors.js';
import { CeremonyError } from '../../../src/metadata/errors.js';

describe('exitCodeFor', () => {
  it('prints one line with control and bidi characters escaped, capped in length', () => {
    const lines: string[] = [];
    const message = `bad\u001b[2J name\u202e\nnext line ${'x'.repeat(10_000)}`;
    expect(exitCodeFor(new CeremonyError('METADATA_INVALID', message), (l) => lines.push(l))).toBe(
      1,
    );
    expect(lines).toHaveLength(1);
    const line = lines[0] as string;
    expect(line.startsWith('error: bad\\u001b[2J name\\u202e next line xxx')).toBe(true);
    expect(line.length).toBeLessThan(4200);
    expect(line).not.toMatch(/\p{Cc}/u);
  });
});
