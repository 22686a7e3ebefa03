import { describe, expect, it } from 'vitest';
import { CheckGate } from '../../../src/cli/checked-batch.js';

function later<T>(ms: number, value: T, fail = false): Promise<T> {
  return new Promise((resolve, reject) => {
    setTimeout(() => {
      if (fail) reject(new Error('does not verify'));
      else resolve(value);
    }, ms);
  });
}

describe('CheckGate', () => {
  it('lets a batch be written only after all its checks passed', async () => {
    const gate = new CheckGate();
    let done = 0;
    for (let i = 0; i < 5; i++)
      gate.hold(
        later(5 * i, undefined).then(() => {
          done++;
        }),
      );
    expect(await gate.beforeWrite()).toBe(true);
    expect(done).toBe(5);
    expect(await gate.beforeWrite()).toBe(true);
  });

  it('throws the failure, then never allows a write again', async () => {
    const gate = new CheckGate();
    gate.hold(later(1, undefined));
    gate.hold(later(5, undefined, true));
    await expect(gate.beforeWrite()).rejects.toThrow('does not verify');
    expect(await gate.beforeWrite()).toBe(false);
    gate.hold(later(1, undefined));
    expect(await gate.beforeWrite()).toBe(false);
  });

  it('leaves no unhandled rejection for a check that fails before it is awaited', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const gate = new CheckGate();
      gate.hold(Promise.reject(new Error('does not verify')));
      await later(20, undefined);
      expect(unhandled).toEqual([]);
      await expect(gate.beforeWrite()).rejects.toThrow('does not verify');
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
