import type { GitHubApiDescription, Operation, Parameter } from './openapi.js';

/** A request as the emulator received it, before any handling. */
export interface IncomingRequest {
  pathValues: string[];
  query: URLSearchParams;
  contentType: string | undefined;
  bodyText: string;
}

/** Converts a path or query string to the JSON value its schema describes, or reports why not. */
function coerce(
  api: GitHubApiDescription,
  param: Parameter,
  raw: string,
): { value: unknown } | { error: string } {
  const schema = api.deref(param.schema);
  const type = schema.type;
  if (type === 'integer') {
    return /^-?\d+$/.test(raw) ? { value: Number(raw) } : { error: `"${raw}" is not an integer` };
  }
  if (type === 'boolean') {
    return raw === 'true' || raw === 'false'
      ? { value: raw === 'true' }
      : { error: `"${raw}" is not a boolean` };
  }
  return { value: raw };
}

function checkParameter(
  api: GitHubApiDescription,
  op: Operation,
  param: Parameter,
  raw: string,
): string[] {
  const where = `${op.id} ${param.in} parameter ${param.name}`;
  const coerced = coerce(api, param, raw);
  if ('error' in coerced) return [`${where}: ${coerced.error}`];
  return api.validator.validate(param.schema, coerced.value).map((e) => `${where}: ${e}`);
}

/** Every way the request departs from the operation's parameters and requestBody. */
export function checkRequest(
  api: GitHubApiDescription,
  op: Operation,
  req: IncomingRequest,
): string[] {
  const errors: string[] = [];
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  op.pathNames.forEach((name, i) => {
    const param = pathParams.find((p) => p.name === name);
    const raw = req.pathValues[i];
    if (param === undefined) errors.push(`${op.id}: path parameter ${name} is not described`);
    else if (raw !== undefined) errors.push(...checkParameter(api, op, param, raw));
  });
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  for (const name of new Set(req.query.keys())) {
    const param = queryParams.find((p) => p.name === name);
    if (param === undefined) {
      errors.push(`${op.id}: query parameter ${name} is not described`);
      continue;
    }
    for (const raw of req.query.getAll(name)) errors.push(...checkParameter(api, op, param, raw));
  }
  for (const p of queryParams) {
    if (p.required && !req.query.has(p.name)) {
      errors.push(`${op.id}: required query parameter ${p.name} missing`);
    }
  }
  const body = op.requestBody;
  if (body === undefined) {
    if (req.bodyText.length > 0) errors.push(`${op.id}: takes no request body`);
    return errors;
  }
  if (req.bodyText.length === 0) {
    if (body.required === true) errors.push(`${op.id}: request body is required`);
    return errors;
  }
  if (req.contentType?.startsWith('application/json') !== true) {
    errors.push(`${op.id}: request body content type ${req.contentType ?? '(none)'}`);
    return errors;
  }
  const media = (body.content as Record<string, { schema: unknown }>)['application/json'];
  let value: unknown;
  try {
    value = JSON.parse(req.bodyText);
  } catch {
    errors.push(`${op.id}: request body is not JSON`);
    return errors;
  }
  if (media === undefined) {
    errors.push(`${op.id}: no application/json request body described`);
    return errors;
  }
  const found = api.validator.validate(media.schema, value, { rejectUnknownProperties: true });
  errors.push(...found.map((e) => `${op.id} request body ${e}`));
  return errors;
}

/** Every way the response departs from the operation's listed responses. */
export function checkResponse(
  api: GitHubApiDescription,
  op: Operation,
  status: number,
  body: unknown,
): string[] {
  const listed = op.responses[String(status)] ?? op.responses.default;
  if (listed === undefined) {
    const codes = Object.keys(op.responses).join(', ');
    return [`${op.id}: status ${status} is not listed (${codes})`];
  }
  const response = api.deref(listed);
  const content = response.content as Record<string, { schema?: unknown }> | undefined;
  const media = content?.['application/json'];
  if (media?.schema === undefined) {
    return body === undefined ? [] : [`${op.id} ${status}: the description lists no JSON body`];
  }
  if (body === undefined) return [`${op.id} ${status}: JSON body missing`];
  const found = api.validator.validate(media.schema, body, { rejectUnknownProperties: true });
  return found.map((e) => `${op.id} ${status} response ${e}`);
}
