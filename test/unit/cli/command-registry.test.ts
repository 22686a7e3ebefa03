import { describe, expect, it } from 'vitest';
import { COMMAND_MODULES } from '../../../src/cli/commands/index.js';

describe('command registry', () => {
  it('lists each command under the prefix it is dispatched by, once', async () => {
    const names: string[] = [];
    for (const module of COMMAND_MODULES) {
      const commands = await module.load();
      expect(commands.length).toBeGreaterThan(0);
      for (const command of commands) {
        expect(
          `${command.name} `.startsWith(`${module.prefix} `),
          `${command.name} under ${module.prefix}`,
        ).toBe(true);
        names.push(command.name);
      }
    }
    expect(new Set(names).size).toBe(names.length);
    for (const name of [
      'init',
      'key add',
      'stage',
      'review',
      'sign',
      'status',
      'finalize',
      'verify',
      'demo',
      'log verify',
      'hsm list',
    ]) {
      expect(names).toContain(name);
    }
  });
});
