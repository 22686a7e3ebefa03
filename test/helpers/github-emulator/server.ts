import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { CommentRecord, PullRecord } from './builders.js';
import { checkRequest, checkResponse } from './conformance.js';
import { basicError, handle, type HandlerResult } from './handlers.js';
import { loadGitHubApiDescription, type Operation, type OperationId } from './openapi.js';
import { EmulatorState, type EmulatorRepo, type EmulatorToken } from './state.js';

/** Options of one emulator instance. */
export interface EmulatorOptions {
  tokens: Record<string, EmulatorToken>;
  repos: EmulatorRepo[];
  /** The commit a branch points to (e.g. read from a bare git repo); default: every branch exists. */
  resolveBranch?: (owner: string, repo: string, ref: string) => Promise<string | undefined>;
  /** Serve under a prefix, as GitHub Enterprise Server does (`/api/v3`). */
  pathPrefix?: string;
}

/** A canned answer for the next calls of one operation (rate limits, server errors). */
export interface Fault {
  operation: OperationId;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** How many calls it answers (default 1). */
  times?: number;
}

/** One request the emulator answered. */
export interface ExchangeRecord {
  method: string;
  path: string;
  operation: OperationId | undefined;
  status: number;
}

/** A running emulator of the GitHub REST API on 127.0.0.1. */
export interface GitHubEmulator {
  /** API base URL to give octokit (includes the prefix). */
  url: string;
  /** Every departure from GitHub's description, by requests or responses; tests assert empty. */
  violations: string[];
  exchanges: ExchangeRecord[];
  pulls(full: string): PullRecord[];
  comments(full: string, number: number): CommentRecord[];
  inject(fault: Fault): void;
  close(): Promise<void>;
}

const RATE_RESET = String(Math.floor(Date.UTC(2030, 0, 1) / 1000));

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

function tokenOf(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const m = /^(?:token|bearer)\s+(\S+)$/i.exec(header);
  return m?.[1] ?? '';
}

/** Starts an emulator on an ephemeral port of 127.0.0.1. */
export async function startGitHubEmulator(options: EmulatorOptions): Promise<GitHubEmulator> {
  const api = loadGitHubApiDescription();
  const state = new EmulatorState(options.repos);
  const prefix = options.pathPrefix ?? '';
  const violations: string[] = [];
  const exchanges: ExchangeRecord[] = [];
  const faults: Fault[] = [];
  const resolveBranch =
    options.resolveBranch ??
    ((owner: string, repo: string, ref: string) =>
      Promise.resolve(createHash('sha1').update(`${owner}/${repo}:${ref}`).digest('hex')));
  let base = '';
  let tick = 0;

  const route = (method: string, path: string): { op: Operation; values: string[] } | undefined => {
    for (const op of api.operations.values()) {
      if (op.method !== method) continue;
      const m = op.pattern.exec(path);
      if (m !== null) return { op, values: m.slice(1).map((v) => decodeURIComponent(v)) };
    }
    return undefined;
  };

  const answer = async (req: IncomingMessage, url: URL, bodyText: string) => {
    const method = req.method ?? 'GET';
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : '';
    const found = route(method, path);
    if (found === undefined) {
      violations.push(`${method} ${url.pathname}: no emulated operation of the description`);
      return { op: undefined, result: basicError(404, 'Not Found', 'rest') };
    }
    const { op, values } = found;
    const label = `${method} ${url.pathname}`;
    const input = {
      pathValues: values,
      query: url.searchParams,
      contentType: req.headers['content-type'],
      bodyText,
    };
    violations.push(...checkRequest(api, op, input).map((v) => `${label}: ${v}`));
    const faultIndex = faults.findIndex((f) => f.operation === op.id);
    const fault = faults[faultIndex];
    if (fault !== undefined) {
      fault.times = (fault.times ?? 1) - 1;
      if (fault.times <= 0) faults.splice(faultIndex, 1);
      const result: HandlerResult = { status: fault.status, body: fault.body };
      if (fault.headers !== undefined) result.headers = fault.headers;
      return { op, result };
    }
    const token = tokenOf(req);
    const who = token === undefined ? undefined : options.tokens[token];
    if (token !== undefined && who === undefined) {
      return { op, result: basicError(401, 'Bad credentials', 'rest') };
    }
    tick += 1;
    const now = new Date(Date.UTC(2026, 10, 23, 10, 0, tick)).toISOString().slice(0, 19) + 'Z';
    const params: Record<string, string> = {};
    op.pathNames.forEach((n, i) => (params[n] = values[i] ?? ''));
    let body: Record<string, unknown> = {};
    try {
      if (bodyText.length > 0) body = JSON.parse(bodyText) as Record<string, unknown>;
    } catch {
      return { op, result: basicError(400, 'Problems parsing JSON', 'rest') };
    }
    const result = await handle(op.id, {
      urls: { api: base, web: 'https://github.example' },
      state,
      login: who?.login,
      canWrite: who?.access === 'write',
      params,
      query: url.searchParams,
      body,
      now,
      resolveBranch,
      pageUrl: (page) => {
        const next = new URL(url.toString());
        next.searchParams.set('page', String(page));
        return `${base}${next.pathname.slice(prefix.length)}${next.search}`;
      },
    });
    return { op, result };
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    readBody(req)
      .then((text) => answer(req, url, text))
      .then(({ op, result }) => {
        if (op !== undefined) {
          const label = `${req.method ?? 'GET'} ${url.pathname}`;
          const found = checkResponse(api, op, result.status, result.body);
          violations.push(...found.map((v) => `${label}: ${v}`));
        }
        exchanges.push({
          method: req.method ?? 'GET',
          path: url.pathname + url.search,
          operation: op?.id,
          status: result.status,
        });
        const payload = result.body === undefined ? '' : JSON.stringify(result.body);
        res.writeHead(result.status, {
          'content-type': 'application/json; charset=utf-8',
          'x-ratelimit-limit': '5000',
          'x-ratelimit-remaining': '4999',
          'x-ratelimit-reset': RATE_RESET,
          'x-ratelimit-used': '1',
          'x-ratelimit-resource': 'core',
          'x-github-api-version-selected': '2022-11-28',
          ...result.headers,
        });
        res.end(payload);
      })
      .catch((err: unknown) => {
        violations.push(`emulator failure: ${String(err)}`);
        res.writeHead(500).end();
      });
  };

  const server: Server = createServer(onRequest);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('emulator has no port');
  base = `http://127.0.0.1:${address.port}${prefix}`;
  return {
    url: base,
    violations,
    exchanges,
    pulls: (full) => state.pullsOf(full),
    comments: (full, number) => state.commentsOf(full, number),
    inject: (fault) => faults.push({ ...fault }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => {
          if (err) reject(err);
          else resolve();
        });
      }),
  };
}
