import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { qrSvg } from '../present/qr.js';
import { PAGE_CSS, PAGE_HTML, PAGE_JS } from './page-assets.js';
import type { RoomData } from './room-data.js';

// The broadcast server: a fixed table of read-only routes over public ceremony data. It never
// maps a URL to a file, so no request can reach key files or anything outside the ceremony.

/** One reading of the ceremony, shared by every request for a short while. */
export interface BroadcastSnapshot {
  /** Exactly what `status --json` prints. */
  statusJson: string;
  room: RoomData;
}

/** Where the data comes from; throws a message (no stack) when the ceremony cannot be read. */
export type SnapshotLoader = () => Promise<BroadcastSnapshot>;

/** How long one reading of the ceremony directory serves every request. */
const SNAPSHOT_TTL_MS = 500;

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  head: boolean,
): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': type,
    'content-length': Buffer.byteLength(body),
  });
  res.end(head ? undefined : body);
}

/** Host header values the server answers to: its own address (guards against DNS rebinding). */
function allowedHosts(host: string, port: number): Set<string> {
  const hosts = new Set([`${host}:${port}`]);
  if (host === '127.0.0.1' || host === '::1' || host === 'localhost') {
    hosts.add(`127.0.0.1:${port}`).add(`localhost:${port}`).add(`[::1]:${port}`);
  }
  if (host.includes(':')) hosts.add(`[${host}]:${port}`);
  return hosts;
}

function cachedLoader(load: SnapshotLoader): SnapshotLoader {
  let at = 0;
  let pending: Promise<BroadcastSnapshot> | undefined;
  return () => {
    const now = Date.now();
    if (!pending || now - at > SNAPSHOT_TTL_MS) {
      at = now;
      pending = load();
    }
    return pending;
  };
}

/** A reply: status, content type and body. */
interface Reply {
  status: number;
  type: string;
  body: string;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const NOT_FOUND: Reply = { status: 404, type: 'text/plain; charset=utf-8', body: 'not found\n' };
const STATIC: ReadonlyMap<string, Reply> = new Map([
  ['/', { status: 200, type: 'text/html; charset=utf-8', body: PAGE_HTML }],
  ['/broadcast.css', { status: 200, type: 'text/css; charset=utf-8', body: PAGE_CSS }],
  ['/broadcast.js', { status: 200, type: 'text/javascript; charset=utf-8', body: PAGE_JS }],
]);

async function route(path: string, load: SnapshotLoader): Promise<Reply> {
  const fixed = STATIC.get(path);
  if (fixed) return fixed;
  const qr = /^\/qr\/([0-9a-f]{64})\.svg$/.exec(path);
  if (path !== '/status.json' && path !== '/room.json' && !qr) return NOT_FOUND;
  let snapshot: BroadcastSnapshot;
  try {
    snapshot = await load();
  } catch (err) {
    const message = err instanceof Error ? err.message : 'the ceremony could not be read';
    return { status: 503, type: JSON_TYPE, body: `${JSON.stringify({ error: { message } })}\n` };
  }
  if (path === '/status.json') return { status: 200, type: JSON_TYPE, body: snapshot.statusJson };
  if (path === '/room.json') {
    return { status: 200, type: JSON_TYPE, body: `${JSON.stringify(snapshot.room, null, 2)}\n` };
  }
  const sha = qr?.[1] ?? '';
  // Only the hashes being signed get a code: the route cannot be used to render other text.
  if (!snapshot.room.roles.some((r) => r.sha256 === sha)) return NOT_FOUND;
  return { status: 200, type: 'image/svg+xml', body: qrSvg(sha) };
}

async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  load: SnapshotLoader,
  hosts: ReadonlySet<string>,
): Promise<void> {
  const head = req.method === 'HEAD';
  if (req.method !== 'GET' && !head) {
    send(res, 405, 'text/plain; charset=utf-8', 'read-only\n', false);
    return;
  }
  const path = (req.url ?? '').split('?')[0] ?? '';
  const reply = hosts.has(req.headers.host ?? '') ? await route(path, load) : NOT_FOUND;
  send(res, reply.status, reply.type, reply.body, head);
}

/** A started broadcast server and its address. */
export interface BroadcastServer {
  server: Server;
  url: string;
  close: () => Promise<void>;
}

/** Starts the server on host:port (port 0: any free port) and resolves once it listens. */
export async function startBroadcast(
  host: string,
  port: number,
  load: SnapshotLoader,
): Promise<BroadcastServer> {
  const cached = cachedLoader(load);
  let hosts: ReadonlySet<string> = new Set();
  const server = createServer((req, res) => {
    answer(req, res, cached, hosts).catch(() => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'error\n', false);
      else res.destroy();
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  hosts = allowedHosts(host, address.port);
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${shown}:${address.port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
