import { describe, expect, it } from 'vitest';
import type { ChangedPath } from '../../../src/publish/git.js';
import { classifyPullScope } from '../../../src/publish/pr-scope.js';

const A = (path: string): ChangedPath => ({ status: 'A', path });
const M = (path: string): ChangedPath => ({ status: 'M', path });
const D = (path: string): ChangedPath => ({ status: 'D', path });
const LOG = 'ceremony-logs/2026-11-23';

describe('classifyPullScope with the plan and enrolled keys', () => {
  it('counts ceremony.yaml and new or retired key files as part of a stage', () => {
    const stage = [
      M('ceremony.yaml'),
      A('keys/dave/0a1b2c.json'),
      M('keys/erin/3d4e5f.json'),
      A('staged/ceremony.json'),
      A('staged/root.json'),
      A(`${LOG}/coordinator.jsonl`),
    ];
    expect(classifyPullScope(stage)).toEqual({ kind: 'stage' });
  });

  it('never lets a signature pull request touch the plan or keys', () => {
    const sneaky = [A('staged/signatures/bob.json'), M('ceremony.yaml')];
    expect(classifyPullScope(sneaky)).toEqual({ kind: 'other', unexpected: [] });
    expect(classifyPullScope(sneaky).kind).not.toBe('signature');
  });

  it('treats deleting the plan or a key file, or files elsewhere under keys/, as out of scope', () => {
    expect(classifyPullScope([D('keys/erin/3d4e5f.json'), A('staged/root.json')])).toEqual({
      kind: 'other',
      unexpected: ['keys/erin/3d4e5f.json'],
    });
    expect(classifyPullScope([D('ceremony.yaml')])).toEqual({
      kind: 'other',
      unexpected: ['ceremony.yaml'],
    });
    expect(classifyPullScope([A('keys/erin/private.key'), A('staged/root.json')])).toEqual({
      kind: 'other',
      unexpected: ['keys/erin/private.key'],
    });
  });
});
