import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planFromValue } from '../../../src/ceremony/plan.js';
import { parsePlan, planValue } from '../../../src/ceremony/plan-yaml.js';
import { renderPlanTemplate } from '../../../src/ceremony/plan-template.js';
import {
  keepPlanValuesIn,
  planValueJson,
  recalledPlanValue,
  recordPlanValue,
} from '../../../src/repo/plan-values.js';

// A plan's value is taken from this machine's record only for exactly the text it was read from,
// and only when JSON carries it exactly.

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tuf-ceremony-plan-values-'));
  keepPlanValuesIn(dir);
});

afterEach(async () => {
  keepPlanValuesIn(undefined);
  await rm(dir, { recursive: true, force: true });
});

describe('the record of plan values', () => {
  it('gives back the value for the same text only, validating to the same plan', async () => {
    const text = renderPlanTemplate({ name: 'example', holders: ['alice', 'bob'], threshold: 2 });
    const value = planValue(text, 'ceremony.yaml');
    await recordPlanValue('/c/ceremony.yaml', text, planValueJson(value) ?? '');
    const recalled = await recalledPlanValue('/c/ceremony.yaml', text);
    expect(recalled).toEqual(value);
    expect(planFromValue(recalled, 'ceremony.yaml')).toEqual(parsePlan(text, 'ceremony.yaml'));
    expect(await recalledPlanValue('/c/ceremony.yaml', `${text}\n# edited\n`)).toBeUndefined();
    expect(await recalledPlanValue('/other/ceremony.yaml', text)).toBeUndefined();
  });

  it('keeps no value JSON would change, and takes nothing from a damaged record', async () => {
    expect(planValueJson({ a: Number.POSITIVE_INFINITY })).toBeUndefined();
    expect(planValueJson({ b: [-0] })).toBeUndefined();
    expect(planValueJson(Object.create(null))).toBeUndefined();
    expect(planValueJson({ c: [1, 'x', null, true, { d: 2.5 }] })).toBe(
      '{"c":[1,"x",null,true,{"d":2.5}]}',
    );
    await recordPlanValue('/c/ceremony.yaml', 'c: 1', '{"c":1}');
    expect(await recalledPlanValue('/c/ceremony.yaml', 'c: 1')).toEqual({ c: 1 });
    const [file] = await readdir(dir);
    await writeFile(join(dir, file ?? ''), '{"key": "not json');
    expect(await recalledPlanValue('/c/ceremony.yaml', 'c: 1')).toBeUndefined();
  });

  it('is neither read nor written where no folder is kept', async () => {
    keepPlanValuesIn(undefined);
    await recordPlanValue('/c/ceremony.yaml', 'c: 1', '{"c":1}');
    expect(await recalledPlanValue('/c/ceremony.yaml', 'c: 1')).toBeUndefined();
    expect(await readdir(dir)).toEqual([]);
  });
});
