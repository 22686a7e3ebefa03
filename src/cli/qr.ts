import { qrTerminalLines } from '../present/qr.js';

// Transfer without removable media: a document is cut into chunks of at most QR_CHUNK_BYTES of
// UTF-8 (never inside a character), each shown as one QR code whose text is `TUFC1:<i>/<n>:`
// followed by the chunk. A reader joins the chunks in order (docs/offline-signing.md).

/** UTF-8 bytes of the document carried by one code: about 100 modules a side, fits a terminal. */
export const QR_CHUNK_BYTES = 800;
/** Most codes one document may take (bounded by design). */
export const MAX_QR_CODES = 200;

/** The texts of the codes for a document, in order. */
export function qrPayloads(text: string): string[] {
  const chunks: string[] = [];
  let chunk = '';
  let size = 0;
  for (const char of text) {
    const bytes = Buffer.byteLength(char);
    if (size + bytes > QR_CHUNK_BYTES) {
      chunks.push(chunk);
      chunk = '';
      size = 0;
    }
    chunk += char;
    size += bytes;
  }
  chunks.push(chunk);
  if (chunks.length > MAX_QR_CODES) {
    throw new RangeError(`the document needs ${chunks.length} QR codes (at most ${MAX_QR_CODES})`);
  }
  return chunks.map((c, i) => `TUFC1:${i + 1}/${chunks.length}:${c}`);
}

/** Every code of a document as terminal text, each with a caption naming its place. */
export function qrSequence(text: string, what: string): string[] {
  const payloads = qrPayloads(text);
  return payloads.map(
    (p, i) => `QR code ${i + 1} of ${payloads.length} (${what}):\n${qrTerminalLines(p).join('\n')}`,
  );
}
