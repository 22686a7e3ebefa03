import { describe, expect, it } from 'vitest';
import {
  SchemaValidator,
  checkRequest,
  checkResponse,
  loadGitHubApiDescription,
} from '../../helpers/github-emulator/index.js';

const api = loadGitHubApiDescription();
const pullsCreate = api.operations.get('pulls/create');
const commentsList = api.operations.get('issues/list-comments');
if (pullsCreate === undefined || commentsList === undefined) throw new Error('not indexed');

function comment(): Record<string, unknown> {
  return {
    id: 1,
    node_id: 'IC_1',
    url: 'http://127.0.0.1/repos/o/r/issues/comments/1',
    html_url: 'https://github.example/o/r/pull/1#issuecomment-1',
    issue_url: 'http://127.0.0.1/repos/o/r/issues/1',
    body: 'hi',
    user: null,
    created_at: '2026-11-23T10:00:00Z',
    updated_at: '2026-11-23T10:00:00Z',
  };
}

describe('JSON schema subset validator', () => {
  const v = new SchemaValidator({
    components: { schemas: { leaf: { type: 'string', enum: ['a', 'b'], nullable: true } } },
  });

  it('checks type, required, enum, nullable, items and $ref', () => {
    const schema = {
      type: 'object',
      required: ['x'],
      properties: {
        x: { type: 'integer' },
        y: { type: 'array', items: { $ref: '#/components/schemas/leaf' } },
      },
    };
    expect(v.validate(schema, { x: 1, y: ['a', null] })).toEqual([]);
    expect(v.validate(schema, { y: [] })).toEqual(['$: missing required property "x"']);
    expect(v.validate(schema, { x: 1.5 })).toEqual(['$.x: expected integer, got number']);
    expect(v.validate(schema, { x: 1, y: ['c'] })).toEqual(['$.y[0]: "c" is not one of ["a","b"]']);
    expect(v.validate({ type: ['string', 'null'] }, null)).toEqual([]);
    expect(v.validate({ type: 'string' }, null)).toHaveLength(1);
  });

  it('checks oneOf (exactly one), anyOf, allOf and unknown properties in strict mode', () => {
    const one = { oneOf: [{ type: 'integer' }, { type: 'number' }] };
    expect(v.validate(one, 1.5)).toEqual([]);
    expect(v.validate(one, 2)[0]).toMatch(/matches 2 branches of oneOf/);
    expect(v.validate({ anyOf: [{ type: 'string' }, { type: 'boolean' }] }, 3)[0]).toMatch(/anyOf/);
    const all = { allOf: [{ properties: { a: { type: 'string' } } }, { required: ['b'] }] };
    expect(v.validate(all, { a: 'x' })).toEqual(['$: missing required property "b"']);
    const obj = { type: 'object', properties: { a: { type: 'string' } } };
    expect(v.validate(obj, { a: 'x', z: 1 })).toEqual([]);
    expect(v.validate(obj, { a: 'x', z: 1 }, { rejectUnknownProperties: true })).toEqual([
      '$: property "z" is not defined by the schema',
    ]);
  });

  it('refuses schemas with keywords it does not enforce', () => {
    expect(() => v.validate({ type: 'string', const: 'x' }, 'x')).toThrow(/unsupported keyword/);
  });
});

describe('GitHub OpenAPI conformance checks', () => {
  it('indexes the emulated operations from @octokit/openapi', () => {
    expect(api.operations.size).toBe(8);
    expect(pullsCreate.template).toBe('/repos/{owner}/{repo}/pulls');
  });

  it('accepts a conforming issue-comment list and rejects one missing a required field', () => {
    expect(checkResponse(api, commentsList, 200, [comment()])).toEqual([]);
    const broken = comment();
    delete broken.node_id;
    expect(checkResponse(api, commentsList, 200, [broken])).toEqual([
      'issues/list-comments 200 response $[0]: missing required property "node_id"',
    ]);
  });

  it('rejects status codes the operation does not list, and bodies of the wrong shape', () => {
    expect(checkResponse(api, commentsList, 401, { message: 'Bad credentials' })[0]).toMatch(
      /status 401 is not listed/,
    );
    const bad = checkResponse(api, pullsCreate, 422, { message: 'Validation Failed' });
    expect(bad).toEqual([
      'pulls/create 422 response $: missing required property "documentation_url"',
    ]);
  });

  it('checks requests: path and query parameters, body schema, unknown fields', () => {
    const req = (bodyText: string, query = '') => ({
      pathValues: ['o', 'r'],
      query: new URLSearchParams(query),
      contentType: 'application/json; charset=utf-8',
      bodyText,
    });
    expect(checkRequest(api, pullsCreate, req('{"head":"h","base":"main","title":"t"}'))).toEqual(
      [],
    );
    expect(checkRequest(api, pullsCreate, req('{"head":"h"}'))).toEqual([
      'pulls/create request body $: missing required property "base"',
    ]);
    expect(checkRequest(api, pullsCreate, req('{"head":"h","base":"m","titel":"t"}'))).toEqual([
      'pulls/create request body $: property "titel" is not defined by the schema',
    ]);
    expect(checkRequest(api, pullsCreate, req('{"head":"h","base":"m"}', 'x=1'))).toEqual([
      'pulls/create: query parameter x is not described',
    ]);
    const list = api.operations.get('pulls/list');
    if (list === undefined) throw new Error('not indexed');
    expect(checkRequest(api, list, req('', 'state=opened'))[0]).toMatch(/"opened" is not one of/);
    expect(checkRequest(api, list, req('', 'per_page=ten'))[0]).toMatch(/not an integer/);
  });
});
