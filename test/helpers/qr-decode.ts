import jsQRModule from 'jsqr';

// The package is CommonJS with a `default` property: under Node's ESM the function is on it.
const jsQR = jsQRModule.default;

/** Pixels per module when a printed code is rendered for the decoder. */
const SCALE = 4;

/**
 * The QR codes in terminal output drawn with half blocks (light modules as blocks): every run of
 * lines made only of block characters and spaces is one code, decoded with jsQR.
 */
export function decodeTerminalQrCodes(output: string): string[] {
  const blocks: string[][] = [];
  let current: string[] = [];
  for (const raw of output.split('\n')) {
    const line = raw.replace(/^ {2}/, '');
    if (line.length >= 21 && /^[█▀▄ ]+$/.test(line)) current.push(line);
    else if (current.length > 0) {
      blocks.push(current);
      current = [];
    }
  }
  if (current.length > 0) blocks.push(current);
  return blocks.map(decodeBlock);
}

function decodeBlock(lines: readonly string[]): string {
  const width = Math.max(...lines.map((l) => Array.from(l).length));
  const light: boolean[][] = [];
  for (const line of lines) {
    const chars = Array.from(line.padEnd(width, '█'));
    light.push(chars.map((c) => c === '█' || c === '▀'));
    light.push(chars.map((c) => c === '█' || c === '▄'));
  }
  const w = width * SCALE;
  const h = light.length * SCALE;
  const pixels = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const value = light[Math.floor(y / SCALE)]?.[Math.floor(x / SCALE)] ? 255 : 0;
      const i = (y * w + x) * 4;
      pixels[i] = pixels[i + 1] = pixels[i + 2] = value;
      pixels[i + 3] = 255;
    }
  }
  const found = jsQR(pixels, w, h);
  if (!found) throw new Error('no QR code could be decoded from the printed block');
  return found.data;
}
