import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { quoteManifestText, type ParsedLine } from '../ceremony/manifest.js';
import { CeremonyError } from '../metadata/errors.js';

// Streams a target manifest line by line (constant memory beyond what the caller keeps), with
// every problem reported by line number; nothing is decided before the whole file has been read.

/** Longest manifest line accepted (a line is one target: path, hashes and custom data). */
export const MAX_MANIFEST_LINE = 1 << 20;
/** Most lines a manifest may have (bounds the loop; 16x the largest repositories known). */
export const MAX_MANIFEST_LINES = 20_000_000;
/** Problems listed in the error message; the rest are counted. */
export const MAX_LISTED_PROBLEMS = 20;

/** Problems found in a manifest, by line, bounded. */
export class ManifestProblems {
  readonly listed: string[] = [];
  count = 0;

  constructor(private readonly file: string) {}

  /** Records a problem on a line. */
  add(line: number, problem: string): void {
    this.count++;
    if (this.listed.length < MAX_LISTED_PROBLEMS) this.listed.push(`line ${line}: ${problem}`);
  }

  /** Throws one error listing the problems (and how many more), if there were any. */
  throwIfAny(what: string): void {
    if (this.count === 0) return;
    const more =
      this.count > this.listed.length ? `; and ${this.count - this.listed.length} more` : '';
    throw new CeremonyError(
      'MANIFEST_INVALID',
      `${this.file}: ${this.count} bad line(s), ${what}: ${this.listed.join('; ')}${more}`,
    );
  }
}

/**
 * Reads a file as lines, calling `onLine(text, lineNumber)`; lines end with \n or \r\n.
 * `onChunk` sees every chunk of bytes as read (for progress, or to hash what was parsed).
 */
export async function forEachLine(
  file: string,
  onLine: (text: string, line: number) => void,
  onChunk?: (chunk: Buffer) => void,
): Promise<number> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let line = 0;
  const tooLong = (n: number): CeremonyError =>
    new CeremonyError(
      'FILE_TOO_LARGE',
      `${file}: line ${n} is longer than ${MAX_MANIFEST_LINE} bytes`,
    );
  const emit = (text: string): void => {
    line++;
    if (line > MAX_MANIFEST_LINES)
      throw new CeremonyError('FILE_TOO_LARGE', `${file}: more than ${MAX_MANIFEST_LINES} lines`);
    if (text.length > MAX_MANIFEST_LINE) throw tooLong(line);
    onLine(text.endsWith('\r') ? text.slice(0, -1) : text, line);
  };
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    onChunk?.(chunk);
    const text = pending + decoder.write(chunk);
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      emit(text.slice(start, end));
      start = end + 1;
    }
    pending = text.slice(start);
    if (pending.length > MAX_MANIFEST_LINE) throw tooLong(line + 1);
  }
  pending += decoder.end();
  if (pending !== '') emit(pending);
  return line;
}

/**
 * Streams a manifest: each line through `parse`, every entry with its line number to `onEntry`,
 * which may return a problem (routing, conflicts) to report on that line. Malformed lines and
 * duplicate paths are reported too. Returns the problems: callers change nothing unless there
 * are none.
 */
export async function readManifest<E extends { path: string }>(
  file: string,
  parse: (text: string, first: boolean) => ParsedLine<E>,
  onEntry: (entry: E, line: number) => string | undefined,
  onBytes?: (bytes: number) => void,
): Promise<ManifestProblems> {
  const problems = new ManifestProblems(file);
  const seen = new Map<string, number>();
  let first = true;
  const reading = forEachLine(
    file,
    (text, line) => {
      const parsed = parse(text, first);
      if (parsed.kind !== 'skip') first = false;
      if (parsed.kind === 'skip') return;
      if (parsed.kind === 'error') {
        problems.add(line, parsed.problem);
        return;
      }
      const { path } = parsed.entry;
      const earlier = seen.get(path);
      if (earlier !== undefined) {
        problems.add(line, `duplicate path ${quoteManifestText(path)} (also on line ${earlier})`);
        return;
      }
      seen.set(path, line);
      const problem = onEntry(parsed.entry, line);
      if (problem !== undefined) problems.add(line, problem);
    },
    onBytes
      ? (chunk) => {
          onBytes(chunk.length);
        }
      : undefined,
  );
  try {
    await reading;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES')
      throw new CeremonyError('USAGE', `${file}: cannot read the manifest (${code})`);
    throw err;
  }
  return problems;
}
