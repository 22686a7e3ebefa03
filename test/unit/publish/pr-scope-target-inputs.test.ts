import { describe, expect, it } from 'vitest';
import type { ChangedPath } from '../../../src/publish/git.js';
import { classifyPullScope } from '../../../src/publish/pr-scope.js';

const A = (path: string): ChangedPath => ({ status: 'A', path });
const D = (path: string): ChangedPath => ({ status: 'D', path });
const LOG = 'ceremony-logs/2026-11-23-bins-0-v2';

describe('classifyPullScope with target inputs', () => {
  it('counts top-level and delegated target inputs as part of staging', () => {
    expect(
      classifyPullScope([
        A('staged/ceremony.json'),
        A('staged/bins-0.json'),
        A('delegated-targets/bins/packages/a.tgz'),
        D('delegated-targets/registry.example.org/registry.example.org/app'),
        A('targets/README.txt'),
        A('targets-custom.json'),
        A(`${LOG}/coordinator.jsonl`),
      ]),
    ).toEqual({ kind: 'stage' });
  });

  it('never lets a signature carry target inputs, and keeps other paths unexpected', () => {
    const withInput = [A('staged/signatures/bob.json'), A('delegated-targets/bins/x')];
    expect(classifyPullScope(withInput)).toEqual({ kind: 'other', unexpected: [] });
    expect(
      classifyPullScope([
        A('staged/root.json'),
        A('delegated-targets/x'),
        A('targets-custom.json.bak'),
      ]),
    ).toEqual({ kind: 'other', unexpected: ['delegated-targets/x', 'targets-custom.json.bak'] });
  });
});
