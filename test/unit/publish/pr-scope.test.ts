import { describe, expect, it } from 'vitest';
import type { ChangedPath } from '../../../src/publish/git.js';
import { classifyPullScope } from '../../../src/publish/pr-scope.js';

const A = (path: string): ChangedPath => ({ status: 'A', path });
const M = (path: string): ChangedPath => ({ status: 'M', path });
const D = (path: string): ChangedPath => ({ status: 'D', path });
const LOG = 'ceremony-logs/2026-11-23-root-v2';

describe('classifyPullScope', () => {
  it('recognizes one holder signing', () => {
    expect(classifyPullScope([A('staged/signatures/bob.json'), A(`${LOG}/bob.jsonl`)])).toEqual({
      kind: 'signature',
      holder: 'bob',
    });
    expect(classifyPullScope([M('staged/signatures/bob.json')])).toEqual({
      kind: 'signature',
      holder: 'bob',
    });
  });

  it('never calls it a signature when a draft, another holder or a deletion is involved', () => {
    const edits = [A('staged/signatures/bob.json'), M('staged/root.json')];
    expect(classifyPullScope(edits)).toEqual({ kind: 'other', unexpected: [] });
    const two = [A('staged/signatures/bob.json'), A('staged/signatures/alice.json')];
    expect(classifyPullScope(two).kind).toBe('other');
    const forged = [A('staged/signatures/bob.json'), A(`${LOG}/alice.jsonl`)];
    expect(classifyPullScope(forged).kind).toBe('other');
    expect(classifyPullScope([D('staged/signatures/bob.json')]).kind).toBe('other');
    expect(classifyPullScope([A(`${LOG}/bob.jsonl`)]).kind).toBe('other');
    expect(
      classifyPullScope([A('staged/signatures/bob.json'), M('.github/workflows/x.yml')]),
    ).toEqual({
      kind: 'other',
      unexpected: ['.github/workflows/x.yml'],
    });
  });

  it('recognizes staging and finalizing', () => {
    expect(
      classifyPullScope([
        A('staged/ceremony.json'),
        A('staged/root.json'),
        A(`${LOG}/coordinator.jsonl`),
      ]),
    ).toEqual({ kind: 'stage' });
    expect(
      classifyPullScope([
        A('repository/2.root.json'),
        M('repository/root.json'),
        D('staged/root.json'),
        D('staged/signatures/alice.json'),
        A(`${LOG}/summary.md`),
        M(`${LOG}/coordinator.jsonl`),
      ]),
    ).toEqual({ kind: 'finalize' });
    expect(classifyPullScope([D('repository/1.root.json')]).kind).toBe('other');
    expect(classifyPullScope([])).toEqual({ kind: 'other', unexpected: [] });
  });
});
