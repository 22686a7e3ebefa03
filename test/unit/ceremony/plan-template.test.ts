import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../../src/ceremony/plan-yaml.js';
import { renderPlanTemplate } from '../../../src/ceremony/plan-template.js';

describe('renderPlanTemplate', () => {
  it('writes a commented 2-of-3 plan with online snapshot and timestamp that parses', () => {
    const text = renderPlanTemplate({ name: 'example-trust-root' });
    expect(text).toMatch(/^# ceremony.yaml/);
    const plan = parsePlan(text, 'ceremony.yaml');
    expect(plan.name).toBe('example-trust-root');
    expect(Object.keys(plan.holders)).toEqual(['alice', 'bob', 'carol', 'online']);
    expect(plan.roles.root.threshold).toBe(2);
    expect(plan.roles.targets.holders).toEqual(['alice', 'bob', 'carol']);
    expect(plan.roles.snapshot).toMatchObject({ holders: ['online'], online: true });
    expect(plan.roles.timestamp).toMatchObject({ holders: ['online'], online: true });
    expect(plan.delegations).toEqual([]);
    expect(plan.consistentSnapshot).toBe(true);
  });

  it('takes holders by name, a threshold, and names YAML would misread', () => {
    const text = renderPlanTemplate({
      name: 'root: of trust # 1',
      holders: ['ann', 'true', '42', 'null', 'dan'],
      threshold: 4,
      onlineHolder: 'bot',
      consistentSnapshot: false,
    });
    const plan = parsePlan(text, 'ceremony.yaml');
    expect(plan.name).toBe('root: of trust # 1');
    expect(plan.roles.root.holders).toEqual(['ann', 'true', '42', 'null', 'dan']);
    expect(plan.roles.root.threshold).toBe(4);
    expect(plan.roles.timestamp.holders).toEqual(['bot']);
    expect(plan.consistentSnapshot).toBe(false);
  });

  it('defaults the threshold to a majority', () => {
    const plan = parsePlan(
      renderPlanTemplate({ name: 'r', holders: ['a', 'b', 'c', 'd'] }),
      'ceremony.yaml',
    );
    expect(plan.roles.targets.threshold).toBe(3);
  });

  it('refuses impossible requests', () => {
    expect(() => renderPlanTemplate({ name: 'r', holders: [] })).toThrow(/at least one holder/);
    expect(() => renderPlanTemplate({ name: 'r', holders: ['a', 'a'] })).toThrow(/twice/);
    expect(() => renderPlanTemplate({ name: 'r', holders: ['online'] })).toThrow(/online identity/);
    expect(() => renderPlanTemplate({ name: 'r', holders: ['a'], threshold: 2 })).toThrow(
      /threshold 2/,
    );
    expect(() => renderPlanTemplate({ name: 'r', holders: ['Alice'] })).toThrow(
      /holders.Alice: a holder name is lowercase/,
    );
  });
});
