import { createRequire } from 'node:module';

// QR codes of hashes and small documents, drawn as terminal text (two module rows per line with
// half blocks) or as SVG for pages, from one module matrix.

/** Modules a code is surrounded with; scanners need a light margin around the symbol. */
const QUIET_ZONE = 2;

/** A QR symbol as a square of dark (true) and light (false) modules, quiet zone included. */
export interface QrMatrix {
  size: number;
  dark: (row: number, col: number) => boolean;
}

/** The QR library, loaded on first use: most commands draw no code. */
function qrLibrary(): typeof import('qrcode') {
  return createRequire(import.meta.url)('qrcode') as typeof import('qrcode');
}

/** The QR matrix for `text` (byte mode, error correction level M). */
export function qrMatrix(text: string): QrMatrix {
  const code = qrLibrary().create(text, { errorCorrectionLevel: 'M' });
  const inner = code.modules.size;
  const size = inner + 2 * QUIET_ZONE;
  return {
    size,
    dark: (row, col) => {
      const r = row - QUIET_ZONE;
      const c = col - QUIET_ZONE;
      if (r < 0 || c < 0 || r >= inner || c >= inner) return false;
      return Boolean(code.modules.get(r, c));
    },
  };
}

/**
 * Terminal lines for a QR code: light modules are drawn with block characters and dark ones left
 * blank, which shows the code dark on light on the usual dark terminal background.
 */
export function qrTerminalLines(text: string): string[] {
  const m = qrMatrix(text);
  const lines: string[] = [];
  for (let row = 0; row < m.size; row += 2) {
    let line = '';
    for (let col = 0; col < m.size; col++) {
      const topLight = !m.dark(row, col);
      const bottomLight = row + 1 < m.size ? !m.dark(row + 1, col) : true;
      line += topLight ? (bottomLight ? '█' : '▀') : bottomLight ? '▄' : ' ';
    }
    lines.push(line);
  }
  return lines;
}

/** A standalone SVG of the QR code, black on white, `scale` pixels per module. */
export function qrSvg(text: string, scale = 4): string {
  const m = qrMatrix(text);
  const path: string[] = [];
  for (let row = 0; row < m.size; row++) {
    for (let col = 0; col < m.size; col++) {
      if (m.dark(row, col)) path.push(`M${col} ${row}h1v1h-1z`);
    }
  }
  const px = m.size * scale;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${px}" height="${px}" viewBox="0 0 ${m.size} ${m.size}" shape-rendering="crispEdges">` +
    `<rect width="${m.size}" height="${m.size}" fill="#fff"/><path fill="#000" d="${path.join('')}"/></svg>`
  );
}
