import QRCode from 'qrcode';

// Transfer without removable media: a document is cut into chunks of at most QR_CHUNK_BYTES, each
// shown as one QR code whose payload is `TUFC1:<i>/<n>:` followed by the chunk's bytes (byte
// mode, error correction L). A reader joins the chunks in order (docs/offline-signing.md).

/** Bytes of the document carried by one code: about 100 modules a side, fits a terminal. */
export const QR_CHUNK_BYTES = 800;
/** Most codes one document may take (bounded by design). */
export const MAX_QR_CODES = 200;
const QUIET = 2;

/** The payloads of the codes for a document, in order. */
export function qrPayloads(bytes: Uint8Array): Buffer[] {
  const count = Math.max(1, Math.ceil(bytes.length / QR_CHUNK_BYTES));
  if (count > MAX_QR_CODES) {
    throw new RangeError(`${bytes.length} bytes need ${count} QR codes (at most ${MAX_QR_CODES})`);
  }
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const chunk = bytes.subarray(i * QR_CHUNK_BYTES, (i + 1) * QR_CHUNK_BYTES);
    out.push(Buffer.concat([Buffer.from(`TUFC1:${i + 1}/${count}:`), chunk]));
  }
  return out;
}

/**
 * One code as terminal text: two modules per character row (upper and lower half blocks). Light
 * modules are drawn with the terminal's foreground, so the code reads right on a dark terminal
 * (scanners also read it inverted on a light one).
 */
export function renderQr(payload: Uint8Array): string {
  const { modules } = QRCode.create([{ data: payload, mode: 'byte' }], {
    errorCorrectionLevel: 'L',
  });
  const size = modules.size;
  const light = (row: number, col: number): boolean => {
    const r = row - QUIET;
    const c = col - QUIET;
    if (r < 0 || c < 0 || r >= size || c >= size) return true;
    return !modules.get(r, c);
  };
  const lines: string[] = [];
  const full = size + 2 * QUIET;
  for (let row = 0; row < full; row += 2) {
    let line = '';
    for (let col = 0; col < full; col++) {
      const top = light(row, col);
      const bottom = row + 1 < full ? light(row + 1, col) : false;
      line += top && bottom ? '█' : top ? '▀' : bottom ? '▄' : ' ';
    }
    lines.push(line);
  }
  return lines.join('\n');
}

/** Every code of a document, each with a caption naming its place in the sequence. */
export function qrSequence(bytes: Uint8Array, what: string): string[] {
  const payloads = qrPayloads(bytes);
  return payloads.map(
    (p, i) => `QR code ${i + 1} of ${payloads.length} (${what}):\n${renderQr(p)}`,
  );
}
