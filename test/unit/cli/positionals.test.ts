import { describe, expect, it } from 'vitest';
import { optionalDirArgument, unexpectedArgument } from '../../../src/cli/positionals.js';
import type { CommandContext, ParsedArgs } from '../../../src/cli/command.js';

const ctx = { cwd: '/work/ceremony' } as CommandContext;
const args = (...positionals: string[]): ParsedArgs => ({ values: {}, positionals });

describe('positional arguments', () => {
  it('resolves the optional DIR against the working directory', () => {
    expect(optionalDirArgument(ctx, args(), 'tool log verify [DIR]')).toBe('/work/ceremony');
    expect(optionalDirArgument(ctx, args('../other'), 'u')).toBe('/work/other');
  });

  it('refuses a second argument with a usage error that escapes it', () => {
    const hostile = 'x\u001b[2J\u202eevil';
    expect(() => optionalDirArgument(ctx, args('.', hostile), 'tool log verify [DIR]')).toThrow(
      /^unexpected argument "x.*evil" \(usage: tool log verify \[DIR\]\)$/,
    );
    const message = unexpectedArgument(hostile, 'u').message;
    expect(message).not.toContain('\u001b');
    expect(message).not.toContain('\u202e');
    expect(unexpectedArgument(hostile, 'u').code).toBe('USAGE');
  });
});
