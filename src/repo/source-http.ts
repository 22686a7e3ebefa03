import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { CeremonyError } from '../metadata/errors.js';
import type { MetadataSource } from '../metadata/client/index.js';

/** Timeouts of the HTTP source. */
export interface HttpSourceOptions {
  /** Longest silence on a connection before giving up (default 30 s). */
  idleTimeoutMs?: number;
  /** Longest time one download may take in total (default 5 min). */
  totalTimeoutMs?: number;
}

const MAX_REDIRECTS = 5;

/** Repository files over http(s): metadata at the base URL, targets under `targets/`. */
export class HttpSource implements MetadataSource {
  private readonly base: URL;
  private readonly idle: number;
  private readonly total: number;

  constructor(baseUrl: string, options: HttpSourceOptions = {}) {
    const base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new CeremonyError('USAGE', `${baseUrl}: only http and https URLs are supported`);
    }
    this.base = base;
    this.idle = options.idleTimeoutMs ?? 30_000;
    this.total = options.totalTimeoutMs ?? 300_000;
  }

  fetchMetadata(name: string, maxLength: number): Promise<Uint8Array | undefined> {
    return this.get(new URL(name.split('/').map(encodeSegment).join('/'), this.base), maxLength);
  }

  fetchTarget(path: string, maxLength: number): Promise<Uint8Array | undefined> {
    const encoded = path.split('/').map(encodeURIComponent).join('/');
    return this.get(new URL(`targets/${encoded}`, this.base), maxLength);
  }

  private get(url: URL, maxLength: number, redirects = 0): Promise<Uint8Array | undefined> {
    return new Promise((resolve, reject) => {
      const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = request(url, { method: 'GET', headers: { accept: '*/*' } });
      const deadline = setTimeout(() => {
        req.destroy(
          new CeremonyError('IO', `${url.href}: no complete answer within ${this.total} ms`),
        );
      }, this.total);
      const done = (): void => {
        clearTimeout(deadline);
      };
      req.setTimeout(this.idle, () => {
        req.destroy(new CeremonyError('IO', `${url.href}: no data for ${this.idle} ms`));
      });
      req.on('error', (err) => {
        done();
        reject(
          err instanceof CeremonyError
            ? err
            : new CeremonyError('IO', `${url.href}: ${err.message}`),
        );
      });
      req.on('response', (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        const location = res.headers.location;
        if (status >= 300 && status < 400 && location !== undefined) {
          res.resume();
          done();
          req.destroy();
          const next = new URL(location, url);
          if (
            redirects >= MAX_REDIRECTS ||
            (url.protocol === 'https:' && next.protocol !== 'https:')
          ) {
            reject(new CeremonyError('IO', `${url.href}: refused redirect to ${next.href}`));
            return;
          }
          this.get(next, maxLength, redirects + 1).then(resolve, reject);
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
          req.destroy(new CeremonyError('IO', `${url.href}: HTTP status ${status}`));
          return;
        }
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxLength) {
          req.destroy(tooLarge(url, maxLength));
          return;
        }
        const chunks: Buffer[] = [];
        let received = 0;
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          // Abort as soon as the limit is passed: no endless-data downloads.
          if (received > maxLength) req.destroy(tooLarge(url, maxLength));
          else chunks.push(chunk);
        });
        res.on('error', (err) => req.destroy(err));
        res.on('end', () => {
          done();
          if (!res.complete) {
            reject(new CeremonyError('IO', `${url.href}: connection closed before the end`));
            return;
          }
          resolve(new Uint8Array(Buffer.concat(chunks, received)));
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
