import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { qrSvg, qrTerminalLines } from '../../../src/present/qr.js';
import { decodeTerminalQrCodes } from '../../helpers/qr-decode.js';

describe('QR codes of hashes', () => {
  it('terminal codes decode to exactly the hash', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex')),
        (hex) => {
          expect(decodeTerminalQrCodes(qrTerminalLines(hex).join('\n'))).toEqual([hex]);
        },
      ),
      { numRuns: 20 },
    );
  });

  it('SVG codes are standalone black-on-white images', () => {
    const svg = qrSvg('ab'.repeat(32));
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('fill="#fff"');
    expect(svg).not.toMatch(/<script|href/);
  });
});
