import {
  fullRepository,
  issueComment,
  privateUser,
  pullRequest,
  pullRequestSimple,
  type PullRecord,
  type RepoRecord,
  type Urls,
} from './builders.js';
import type { OperationId } from './openapi.js';
import type { EmulatorState } from './state.js';

/** Everything a handler may read about the request and the world. */
export interface HandlerContext {
  urls: Urls;
  state: EmulatorState;
  login: string | undefined;
  canWrite: boolean;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
  now: string;
  /** The commit a branch points to, or undefined when the branch does not exist. */
  resolveBranch(owner: string, repo: string, ref: string): Promise<string | undefined>;
  /** Absolute URL of this request with `page` replaced (for Link headers). */
  pageUrl(page: number): string;
}

/** What a handler answers. */
export interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const DOCS = 'https://docs.github.com/rest';

/** GitHub's basic-error body. */
export function basicError(status: number, message: string, doc: string): HandlerResult {
  return { status, body: { message, documentation_url: `${DOCS}/${doc}`, status: String(status) } };
}

function validationFailed(doc: string, errors: Record<string, unknown>[]): HandlerResult {
  return {
    status: 422,
    body: { message: 'Validation Failed', errors, documentation_url: `${DOCS}/${doc}` },
  };
}

function paginate<T>(
  ctx: HandlerContext,
  items: T[],
): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(Number(ctx.query.get('per_page') ?? '30'), 100);
  const page = Number(ctx.query.get('page') ?? '1');
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const links: string[] = [];
  if (page < last) links.push(`<${ctx.pageUrl(page + 1)}>; rel="next"`);
  if (page < last) links.push(`<${ctx.pageUrl(last)}>; rel="last"`);
  const headers: Record<string, string> = links.length > 0 ? { link: links.join(', ') } : {};
  return { page: items.slice((page - 1) * perPage, page * perPage), headers };
}

function repoOf(ctx: HandlerContext): (RepoRecord & { writers: Set<string> }) | undefined {
  const r = ctx.state.repos.get(`${ctx.params.owner ?? ''}/${ctx.params.repo ?? ''}`);
  if (r === undefined) return undefined;
  if (r.private && (ctx.login === undefined || !r.writers.has(ctx.login))) return undefined;
  return r;
}

function headRepoOf(ctx: HandlerContext, r: RepoRecord, p: PullRecord): RepoRecord {
  return ctx.state.repos.get(`${p.head.owner}/${p.head.repo}`) ?? r;
}

/** GitHub moves a pull request's head with its branch: follow pushes made since. */
async function refreshHeads(ctx: HandlerContext, pulls: PullRecord[]): Promise<void> {
  for (const p of pulls) {
    if (p.state !== 'open') continue;
    const sha = await ctx.resolveBranch(p.head.owner, p.head.repo, p.head.ref);
    if (sha !== undefined) p.head.sha = sha;
  }
}

type Handler = (
  ctx: HandlerContext,
  r: RepoRecord & { writers: Set<string> },
) => Promise<HandlerResult>;

const getRepo: Handler = (ctx, r) => {
  const push = ctx.login !== undefined && r.writers.has(ctx.login);
  const perms =
    ctx.login === undefined ? undefined : { admin: ctx.login === r.owner, push, pull: true };
  return Promise.resolve({ status: 200, body: fullRepository(ctx.urls, r, ctx.now, perms) });
};

const listPulls: Handler = async (ctx, r) => {
  const state = ctx.query.get('state') ?? 'open';
  const head = ctx.query.get('head');
  const base = ctx.query.get('base');
  const matching = ctx.state
    .pullsOf(`${r.owner}/${r.name}`)
    .filter((p) => state === 'all' || p.state === state)
    .filter((p) => head === null || `${p.head.owner}:${p.head.ref}` === head)
    .filter((p) => base === null || p.base.ref === base)
    .reverse();
  const { page, headers } = paginate(ctx, matching);
  await refreshHeads(ctx, page);
  const body = page.map((p) => pullRequestSimple(ctx.urls, r, headRepoOf(ctx, r, p), p, ctx.now));
  return { status: 200, body, headers };
};

const createPull: Handler = async (ctx, r) => {
  const doc = 'pulls/pulls#create-a-pull-request';
  if (!ctx.canWrite)
    return basicError(403, 'Resource not accessible by personal access token', doc);
  for (const field of ['head', 'base']) {
    if (typeof ctx.body[field] !== 'string') {
      return validationFailed(doc, [{ resource: 'PullRequest', field, code: 'missing_field' }]);
    }
  }
  const rawHead = String(ctx.body.head);
  const [headOwner, headRef] = rawHead.includes(':')
    ? [rawHead.slice(0, rawHead.indexOf(':')), rawHead.slice(rawHead.indexOf(':') + 1)]
    : [r.owner, rawHead];
  const baseRef = String(ctx.body.base);
  const headRepo = ctx.state.repos.get(`${headOwner}/${r.name}`);
  const headSha =
    headRepo === undefined ? undefined : await ctx.resolveBranch(headOwner, r.name, headRef);
  if (headSha === undefined) {
    return validationFailed(doc, [{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
  }
  const baseSha = await ctx.resolveBranch(r.owner, r.name, baseRef);
  if (baseSha === undefined) {
    return validationFailed(doc, [{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
  }
  const pulls = ctx.state.pullsOf(`${r.owner}/${r.name}`);
  const dup = pulls.find(
    (p) =>
      p.state === 'open' &&
      p.head.owner === headOwner &&
      p.head.ref === headRef &&
      p.base.ref === baseRef,
  );
  if (dup !== undefined) {
    const message = `A pull request already exists for ${headOwner}:${headRef}.`;
    return validationFailed(doc, [{ resource: 'PullRequest', code: 'custom', message }]);
  }
  const pull: PullRecord = {
    id: ctx.state.id(),
    number: pulls.length + 1,
    title: typeof ctx.body.title === 'string' ? ctx.body.title : headRef,
    body: typeof ctx.body.body === 'string' ? ctx.body.body : null,
    state: 'open',
    draft: ctx.body.draft === true,
    user: ctx.login ?? 'ghost',
    head: { owner: headOwner, repo: r.name, ref: headRef, sha: headSha },
    base: { ref: baseRef, sha: baseSha },
    maintainerCanModify: ctx.body.maintainer_can_modify !== false,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    comments: 0,
  };
  pulls.push(pull);
  const body = pullRequest(ctx.urls, r, headRepo ?? r, pull, ctx.now);
  return { status: 201, body, headers: { location: String(body.url) } };
};

function findPull(ctx: HandlerContext, r: RepoRecord): PullRecord | undefined {
  const n = Number(ctx.params.pull_number ?? ctx.params.issue_number);
  return ctx.state.pullsOf(`${r.owner}/${r.name}`).find((p) => p.number === n);
}

const getPull: Handler = async (ctx, r) => {
  const p = findPull(ctx, r);
  if (p === undefined) return basicError(404, 'Not Found', 'pulls/pulls#get-a-pull-request');
  await refreshHeads(ctx, [p]);
  const body = pullRequest(ctx.urls, r, headRepoOf(ctx, r, p), p, ctx.now);
  return { status: 200, body };
};

const updatePull: Handler = (ctx, r) => {
  const doc = 'pulls/pulls#update-a-pull-request';
  const p = findPull(ctx, r);
  const allowed = ctx.login !== undefined && (r.writers.has(ctx.login) || p?.user === ctx.login);
  if (!ctx.canWrite || !allowed || p === undefined) {
    return Promise.resolve(
      basicError(403, 'Resource not accessible by personal access token', doc),
    );
  }
  if (typeof ctx.body.title === 'string') p.title = ctx.body.title;
  if (typeof ctx.body.body === 'string') p.body = ctx.body.body;
  if (ctx.body.state === 'open' || ctx.body.state === 'closed') p.state = ctx.body.state;
  if (typeof ctx.body.base === 'string') p.base.ref = ctx.body.base;
  p.updatedAt = ctx.now;
  const body = pullRequest(ctx.urls, r, headRepoOf(ctx, r, p), p, ctx.now);
  return Promise.resolve({ status: 200, body });
};

const listComments: Handler = (ctx, r) => {
  const p = findPull(ctx, r);
  if (p === undefined) {
    return Promise.resolve(basicError(404, 'Not Found', 'issues/comments#list-issue-comments'));
  }
  const { page, headers } = paginate(ctx, ctx.state.commentsOf(`${r.owner}/${r.name}`, p.number));
  return Promise.resolve({
    status: 200,
    body: page.map((c) => issueComment(ctx.urls, r, c)),
    headers,
  });
};

const createComment: Handler = (ctx, r) => {
  const doc = 'issues/comments#create-an-issue-comment';
  if (!ctx.canWrite) {
    return Promise.resolve(
      basicError(403, 'Resource not accessible by personal access token', doc),
    );
  }
  const p = findPull(ctx, r);
  if (p === undefined) return Promise.resolve(basicError(404, 'Not Found', doc));
  if (typeof ctx.body.body !== 'string') {
    const errors = [{ resource: 'IssueComment', field: 'body', code: 'missing_field' }];
    return Promise.resolve(validationFailed(doc, errors));
  }
  const c = {
    id: ctx.state.id(),
    issueNumber: p.number,
    body: ctx.body.body,
    user: ctx.login ?? 'ghost',
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  ctx.state.commentsOf(`${r.owner}/${r.name}`, p.number).push(c);
  p.comments += 1;
  const body = issueComment(ctx.urls, r, c);
  return Promise.resolve({ status: 201, body, headers: { location: String(body.url) } });
};

const REPO_HANDLERS: Record<Exclude<OperationId, 'users/get-authenticated'>, Handler> = {
  'repos/get': getRepo,
  'pulls/list': listPulls,
  'pulls/create': createPull,
  'pulls/get': getPull,
  'pulls/update': updatePull,
  'issues/list-comments': listComments,
  'issues/create-comment': createComment,
};

/** Runs the emulated operation (authentication was checked by the server). */
export async function handle(id: OperationId, ctx: HandlerContext): Promise<HandlerResult> {
  if (id === 'users/get-authenticated') {
    if (ctx.login === undefined) {
      return basicError(401, 'Requires authentication', 'users/users#get-the-authenticated-user');
    }
    return { status: 200, body: privateUser(ctx.urls, ctx.login, ctx.now) };
  }
  const r = repoOf(ctx);
  if (r === undefined) return basicError(404, 'Not Found', 'repos/repos#get-a-repository');
  return REPO_HANDLERS[id](ctx, r);
}
