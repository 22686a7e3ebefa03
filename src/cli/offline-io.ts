import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CeremonyError } from '../metadata/errors.js';
import { writeFileAtomic } from '../repo/atomic-write.js';
import type { CommandContext } from './command.js';

// Files of air-gapped signing: read from a path or stdin (`-`), bounded; written atomically to a
// path or to stdout (`-`), optionally also as a sequence of QR codes.

/** Largest signing request read (a targets role may list many files). */
export const MAX_REQUEST_BYTES = 32 * 2 ** 20;
/** Largest signing response read (signatures only). */
export const MAX_RESPONSE_BYTES = 2 ** 20;

async function readStdin(limit: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit)
      throw new CeremonyError('FILE_TOO_LARGE', `stdin: ${what} over ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

async function readFileBounded(path: string, limit: number, what: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT')
      throw new CeremonyError('FILE_MISSING', `${path}: no such ${what} file`);
    throw err;
  }
  try {
    const buffer = Buffer.alloc(limit + 1);
    let size = 0;
    while (size <= limit) {
      const { bytesRead } = await handle.read(buffer, size, limit + 1 - size, size);
      if (bytesRead === 0) break;
      size += bytesRead;
    }
    if (size > limit)
      throw new CeremonyError('FILE_TOO_LARGE', `${path}: ${what} over ${limit} bytes`);
    return buffer.subarray(0, size);
  } finally {
    await handle.close();
  }
}

/** Reads a document from a path (relative to the working directory) or stdin (`-`). */
export async function readDocument(
  ctx: CommandContext,
  spec: string,
  limit: number,
  what: string,
): Promise<{ bytes: Buffer; name: string }> {
  if (spec === '-') return { bytes: await readStdin(limit, what), name: 'stdin' };
  const path = resolve(ctx.cwd, spec);
  return { bytes: await readFileBounded(path, limit, what), name: path };
}

/** Writes a document to a path (atomically) or stdout (`-`); `qr` also prints it as QR codes. */
export async function writeDocument(
  ctx: CommandContext,
  spec: string,
  text: string,
  what: string,
  qr: boolean,
): Promise<string> {
  const bytes = Buffer.from(text, 'utf8');
  if (qr) {
    const { qrSequence } = await import('./qr.js');
    for (const code of qrSequence(text, what)) ctx.out(code);
  }
  if (spec === '-') {
    if (!qr) ctx.out(text.replace(/\n$/, ''));
    return 'stdout';
  }
  const path = resolve(ctx.cwd, spec);
  await writeFileAtomic(path, bytes);
  return path;
}
