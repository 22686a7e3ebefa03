import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCeremonyError } from '../../../src/metadata/errors.js';
import { HttpSource } from '../../../src/repo/source-http.js';
import { serveDirectory, type StaticServer } from '../../helpers/static-server.js';

let dir: string;
let files: StaticServer;
let tricky: Server;
let trickyUrl: string;
let endlessBytesSent = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'source-http-'));
  await mkdir(join(dir, 'targets', 'sub dir'), { recursive: true });
  await writeFile(join(dir, 'timestamp.json'), 'y'.repeat(200));
  await writeFile(join(dir, 'targets', 'sub dir', 'a+b.txt'), 'target');
  await writeFile(join(dir, 'ghp_S3CR3T.json'), 'ghp_S3CR3T the reply of another origin');
  files = await serveDirectory(dir);
  tricky = createServer((req, res) => {
    switch (req.url) {
      case '/endless.json': {
        // No content-length, data forever: the client must stop at its limit.
        res.writeHead(200);
        const chunk = Buffer.alloc(4096, 0x20);
        const pump = (): void => {
          while (!res.destroyed && res.write(chunk)) endlessBytesSent += chunk.length;
          if (!res.destroyed) res.once('drain', pump);
        };
        pump();
        return;
      }
      case '/declared.json':
        res.writeHead(200, { 'content-length': 1_000_000 });
        res.write('partial');
        return;
      case '/silent.json':
        return; // never answers
      case '/error.json':
        res.writeHead(500).end('no');
        return;
      case '/redirect.json':
        res.writeHead(302, { location: '/small.json' }).end();
        return;
      case '/elsewhere.json':
        // Another port of 127.0.0.1 is another origin; the path carries a would-be secret.
        res.writeHead(302, { location: `${files.url}ghp_S3CR3T.json` }).end();
        return;
      case '/small.json':
        res.writeHead(200).end('small');
        return;
      default:
        res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => tricky.listen(0, '127.0.0.1', resolve));
  const address = tricky.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  trickyUrl = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  await files.close();
  tricky.closeAllConnections();
  await new Promise((resolve) => tricky.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

async function error(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('HttpSource', () => {
  it('fetches metadata and targets (path segments encoded) and reports 404 as missing', async () => {
    const source = new HttpSource(files.url);
    expect((await source.fetchMetadata('timestamp.json', 200))?.length).toBe(200);
    expect(Buffer.from((await source.fetchTarget('sub dir/a+b.txt', 6)) ?? []).toString()).toBe(
      'target',
    );
    expect(await source.fetchMetadata('2.root.json', 100)).toBeUndefined();
    expect(files.requests).toContain('/targets/sub dir/a+b.txt');
  });

  it('hashes a target as it arrives and stops an endless one at the limit', async () => {
    const source = new HttpSource(files.url);
    expect(await source.digestTarget('sub dir/a+b.txt', 6, ['sha256'])).toEqual({
      length: 6,
      digests: { sha256: createHash('sha256').update('target').digest('hex') },
    });
    const endless = new HttpSource(trickyUrl);
    const err = await error(endless.digestTarget('../endless.json', 32 * 1024, ['sha256']));
    expect(isCeremonyError(err, 'FILE_TOO_LARGE')).toBe(true);
  });

  it('refuses a response over the limit', async () => {
    const source = new HttpSource(files.url);
    expect(
      isCeremonyError(await error(source.fetchMetadata('timestamp.json', 199)), 'FILE_TOO_LARGE'),
    ).toBe(true);
    const declared = await error(new HttpSource(trickyUrl).fetchMetadata('declared.json', 1000));
    expect(isCeremonyError(declared, 'FILE_TOO_LARGE')).toBe(true);
  });

  it('aborts an endless download soon after the limit', async () => {
    const err = await error(new HttpSource(trickyUrl).fetchMetadata('endless.json', 16 * 1024));
    expect(isCeremonyError(err, 'FILE_TOO_LARGE')).toBe(true);
    expect((err as Error).message).toContain('16384');
    // The server stops being read once the limit passes (socket buffers aside, far from endless).
    expect(endlessBytesSent).toBeLessThan(64 * 1024 * 1024);
  });

  it('gives up on a silent server and reports HTTP errors', async () => {
    const silent = new HttpSource(trickyUrl, { idleTimeoutMs: 200 });
    const err = await error(silent.fetchMetadata('silent.json', 100));
    expect(isCeremonyError(err, 'IO')).toBe(true);
    expect((err as Error).message).toContain('no data for 200 ms');
    const failed = await error(new HttpSource(trickyUrl).fetchMetadata('error.json', 100));
    expect(isCeremonyError(failed, 'IO')).toBe(true);
    expect((failed as Error).message).toContain('HTTP status 500');
  });

  it('follows a redirect on the same server', async () => {
    const bytes = await new HttpSource(trickyUrl).fetchMetadata('redirect.json', 100);
    expect(Buffer.from(bytes ?? []).toString()).toBe('small');
  });

  it('refuses a redirect to another origin without quoting it, unless allowed', async () => {
    const err = await error(new HttpSource(trickyUrl).fetchMetadata('elsewhere.json', 100));
    expect(isCeremonyError(err, 'IO')).toBe(true);
    const message = (err as Error).message;
    expect(message).toBe(
      `${trickyUrl}/elsewhere.json: refused a redirect to another origin (--allow-cross-origin-redirects follows it)`,
    );
    expect(files.requests).not.toContain('/ghp_S3CR3T.json');
    const allowed = new HttpSource(trickyUrl, { allowCrossOriginRedirects: true });
    const bytes = await allowed.fetchMetadata('elsewhere.json', 100);
    expect(Buffer.from(bytes ?? []).toString()).toContain('the reply of another origin');
  });

  it('accepts only http and https base URLs', () => {
    expect(() => new HttpSource('ftp://127.0.0.1/')).toThrow(/only http and https/);
  });
});
