import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { CeremonyError } from '../metadata/errors.js';
import { escapeUntrusted } from '../metadata/terminal-text.js';
import type { MetadataSource } from '../metadata/client/index.js';
import type { MeasuredFile } from '../metadata/client/source.js';
import { StreamDigest } from './stream-digest.js';

/** Timeouts of the HTTP source. */
export interface HttpSourceOptions {
  /** Longest silence on a connection before giving up (default 30 s). */
  idleTimeoutMs?: number;
  /** Longest time one download may take in total (default 5 min). */
  totalTimeoutMs?: number;
  /** Follow redirects to another scheme, host or port (default: only to the same origin). */
  allowCrossOriginRedirects?: boolean;
}

const MAX_REDIRECTS = 5;

/** Repository files over http(s): metadata at the base URL, targets under `targets/`. */
export class HttpSource implements MetadataSource {
  private readonly base: URL;
  private readonly idle: number;
  private readonly total: number;
  private readonly crossOrigin: boolean;

  constructor(baseUrl: string, options: HttpSourceOptions = {}) {
    const base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new CeremonyError('USAGE', `${baseUrl}: only http and https URLs are supported`);
    }
    this.base = base;
    this.idle = options.idleTimeoutMs ?? 30_000;
    this.total = options.totalTimeoutMs ?? 300_000;
    this.crossOrigin = options.allowCrossOriginRedirects ?? false;
  }

  /**
   * Why a redirect from `from` to `to` is refused, or undefined to follow it: never from https to
   * http, and only to the same origin (scheme, host, port) unless cross-origin ones are allowed.
   */
  private redirectRefusal(from: URL, to: URL, redirects: number): string | undefined {
    if (redirects >= MAX_REDIRECTS) return `more than ${MAX_REDIRECTS} redirects`;
    if (from.protocol === 'https:' && to.protocol !== 'https:')
      return 'a redirect from https to http';
    if (to.origin !== from.origin && !this.crossOrigin) {
      return 'a redirect to another origin (--allow-cross-origin-redirects follows it)';
    }
    return undefined;
  }

  fetchMetadata(name: string, maxLength: number): Promise<Uint8Array | undefined> {
    return this.get(new URL(name.split('/').map(encodeSegment).join('/'), this.base), maxLength);
  }

  fetchTarget(path: string, maxLength: number): Promise<Uint8Array | undefined> {
    return this.get(this.targetUrl(path), maxLength);
  }

  digestTarget(
    path: string,
    maxLength: number,
    algorithms: readonly string[],
  ): Promise<MeasuredFile | undefined> {
    const digest = new StreamDigest(algorithms);
    const sink = {
      add: (chunk: Buffer) => {
        digest.update(chunk);
      },
      end: () => digest.result(),
    };
    return this.download(this.targetUrl(path), maxLength, sink);
  }

  private targetUrl(path: string): URL {
    const encoded = path.split('/').map(encodeURIComponent).join('/');
    return new URL(`targets/${encoded}`, this.base);
  }

  /** GETs `url` into memory (see download), at most `maxLength` bytes. */
  private get(url: URL, maxLength: number): Promise<Uint8Array | undefined> {
    const chunks: Buffer[] = [];
    let received = 0;
    const sink = {
      add: (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.length;
      },
      end: () => new Uint8Array(Buffer.concat(chunks, received)),
    };
    return this.download(url, maxLength, sink);
  }

  /**
   * GETs `url`, handing chunks to `sink` as they arrive (at most `maxLength` bytes): the download
   * is aborted as soon as one more byte than allowed arrives, whatever Content-Length says.
   * Messages name the URL this source asked for (`asked`), never what the server answered.
   */
  private download<T>(
    url: URL,
    maxLength: number,
    sink: { add: (chunk: Buffer) => void; end: () => T },
    redirects = 0,
    asked: URL = url,
  ): Promise<T | undefined> {
    return new Promise((resolve, reject) => {
      const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = request(url, { method: 'GET', headers: { accept: '*/*' } });
      const deadline = setTimeout(() => {
        req.destroy(
          new CeremonyError('IO', `${asked.href}: no complete answer within ${this.total} ms`),
        );
      }, this.total);
      const done = (): void => {
        clearTimeout(deadline);
      };
      req.setTimeout(this.idle, () => {
        req.destroy(new CeremonyError('IO', `${asked.href}: no data for ${this.idle} ms`));
      });
      req.on('error', (err) => {
        done();
        reject(
          err instanceof CeremonyError
            ? err
            : new CeremonyError('IO', `${asked.href}: ${escapeUntrusted(err.message, 200)}`),
        );
      });
      req.on('response', (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        const location = res.headers.location;
        if (status >= 300 && status < 400 && location !== undefined) {
          res.resume();
          done();
          req.destroy();
          let next: URL;
          try {
            next = new URL(location, url);
          } catch {
            reject(new CeremonyError('IO', `${asked.href}: refused a redirect to an invalid URL`));
            return;
          }
          const refusal = this.redirectRefusal(url, next, redirects);
          if (refusal !== undefined) {
            reject(new CeremonyError('IO', `${asked.href}: refused ${refusal}`));
            return;
          }
          this.download(next, maxLength, sink, redirects + 1, asked).then(resolve, reject);
          return;
        }
        if (status === 404 || status === 403 || status === 410) {
          res.resume();
          done();
          resolve(undefined);
          return;
        }
        if (status !== 200) {
          res.resume();
          req.destroy(new CeremonyError('IO', `${asked.href}: HTTP status ${status}`));
          return;
        }
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxLength) {
          req.destroy(tooLarge(asked, maxLength));
          return;
        }
        let received = 0;
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          // Abort as soon as the limit is passed: no endless-data downloads.
          if (received > maxLength) req.destroy(tooLarge(asked, maxLength));
          else sink.add(chunk);
        });
        res.on('error', (err) => req.destroy(err));
        res.on('end', () => {
          done();
          if (!res.complete) {
            reject(new CeremonyError('IO', `${asked.href}: connection closed before the end`));
            return;
          }
          resolve(sink.end());
        });
      });
      req.end();
    });
  }
}

function encodeSegment(segment: string): string {
  // Metadata names arrive already URL-encoded where needed; keep `%XX` escapes as they are.
  return segment.replace(/[^A-Za-z0-9\-._~%!$&'()*+,;=:@]/g, (c) => encodeURIComponent(c));
}

function tooLarge(url: URL, maxLength: number): CeremonyError {
  return new CeremonyError('FILE_TOO_LARGE', `${url.href} is larger than ${maxLength} bytes`);
}
