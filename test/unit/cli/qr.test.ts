import jsQRModule from 'jsqr';
import { describe, expect, it } from 'vitest';
import { QR_CHUNK_BYTES, qrSequence } from '../../../src/cli/qr.js';

// What --qr prints must scan: each printed code is turned back into pixels and decoded with
// jsQR, and the chunks joined in order give the document byte for byte.

const SCALE = 4;
// jsqr is CommonJS whose types declare an ES default export; its function carries `.default`.
const jsQR = jsQRModule.default;

function decodePrinted(block: string): Uint8Array {
  const rows = block.split('\n');
  const width = Math.max(...rows.map((r) => Array.from(r).length)) * SCALE;
  const height = rows.length * 2 * SCALE;
  const pixels = new Uint8ClampedArray(width * height * 4);
  rows.forEach((row, y) => {
    Array.from(row).forEach((char, x) => {
      const halves = [char === '█' || char === '▀', char === '█' || char === '▄'];
      halves.forEach((light, half) => {
        for (let dy = 0; dy < SCALE; dy++) {
          for (let dx = 0; dx < SCALE; dx++) {
            const i = (((y * 2 + half) * SCALE + dy) * width + x * SCALE + dx) * 4;
            pixels.fill(light ? 255 : 0, i, i + 3);
            pixels[i + 3] = 255;
          }
        }
      });
    });
  });
  const code = jsQR(pixels, width, height, { inversionAttempts: 'attemptBoth' });
  if (!code) throw new Error('the printed code does not scan');
  return Uint8Array.from(code.binaryData);
}

describe('QR transfer', () => {
  it('prints a document as a sequence of codes that scan back to the same bytes', () => {
    const text = JSON.stringify({
      holder: 'alice',
      text: 'é'.repeat(300),
      n: [...Array(200).keys()],
    });
    const document = Buffer.from(text);
    expect(document.length).toBeGreaterThan(QR_CHUNK_BYTES);
    const printed = qrSequence(text, 'signing request for alice');
    expect(printed.length).toBeGreaterThanOrEqual(Math.ceil(document.length / QR_CHUNK_BYTES));
    const parts: Buffer[] = [];
    printed.forEach((text, i) => {
      const [caption, ...block] = text.split('\n');
      expect(caption).toBe(`QR code ${i + 1} of ${printed.length} (signing request for alice):`);
      const payload = Buffer.from(decodePrinted(block.join('\n')));
      const header = `TUFC1:${i + 1}/${printed.length}:`;
      expect(payload.subarray(0, header.length).toString()).toBe(header);
      parts.push(payload.subarray(header.length));
    });
    expect(Buffer.concat(parts).equals(document)).toBe(true);
  });
});
