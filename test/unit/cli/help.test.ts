import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandTableMarkdown, TABLE_END, TABLE_START } from '../../../src/cli/command-table.js';
import { EXIT, EXIT_MEANINGS } from '../../../src/cli/exit-codes.js';
import { allCommands } from '../../../src/cli/run.js';
import { PROJECT_ROOT } from '../../helpers/fixtures.js';
import { runCaptured } from '../../helpers/capture.js';

const commands = await allCommands();

describe('help', () => {
  it.each(commands.map((c) => [c.name, c] as const))(
    '%s --help lists every flag with its description, examples and exit codes',
    async (name, command) => {
      const { code, stdout } = await runCaptured([...name.split(' '), '--help']);
      expect(code).toBe(EXIT.ok);
      expect(stdout).toContain(`Usage: ${command.usage}`);
      for (const [flag, def] of Object.entries(command.options)) {
        expect(def.description.trim(), `--${flag} of ${name}`).not.toBe('');
        if (def.type === 'string') expect(def.valueName, `--${flag} of ${name}`).toBeTruthy();
        const line = stdout
          .split('\n')
          .find((l) => /^ {2}(-\w, )?--/.test(l) && l.includes(`--${flag} `));
        expect(line, `--${flag} of ${name}`).toContain(def.description);
        if (typeof def.default === 'string') expect(line).toContain(`(default: ${def.default})`);
      }
      expect(command.examples?.length ?? 0, `examples of ${name}`).toBeGreaterThan(0);
      for (const example of command.examples ?? []) {
        expect(example.startsWith(`tuf-ceremony ${name}`), example).toBe(true);
        expect(stdout).toContain(`  ${example}`);
      }
      expect(stdout).toMatch(/Exit codes:\n {2}0 {4}\S/);
      expect(stdout).toContain(`  2    ${EXIT_MEANINGS.get(EXIT.usage) ?? ''}`);
    },
  );

  it.each([
    ['key', ['key add', 'key retire']],
    ['targets', ['targets add', 'targets remove']],
    ['log', ['log verify', 'log summary']],
    ['hsm', ['hsm list', 'hsm attest']],
    ['sigstore', ['sigstore tlog add', 'sigstore ca end', 'sigstore signing-config selector']],
    ['sigstore tlog', ['sigstore tlog add', 'sigstore tlog end']],
  ])('%s --help lists the group', async (group, members) => {
    for (const argv of [
      [...group.split(' '), '--help'],
      ['help', ...group.split(' ')],
    ]) {
      const { code, stdout } = await runCaptured(argv);
      expect(code, argv.join(' ')).toBe(EXIT.ok);
      for (const member of members) expect(stdout).toMatch(new RegExp(`^ {2}${member} `, 'm'));
    }
  });

  it('help COMMAND shows that command, help alone everything with the exit codes', async () => {
    const stage = await runCaptured(['help', 'stage']);
    expect(stage.stdout.split('\n')[0]).toBe(
      'Usage: tuf-ceremony stage [--dir DIR] [--role ROLE]... [--restage] [--json]',
    );
    const top = await runCaptured(['help']);
    expect(top.code).toBe(EXIT.ok);
    for (const c of commands) expect(top.stdout).toContain(`  ${c.name} `);
    for (const code of EXIT_MEANINGS.keys())
      expect(top.stdout).toMatch(new RegExp(`^ {2}${code} +\\S`, 'm'));
  });

  it('suggests the closest command or flag for a typo (usage error, exit 2)', async () => {
    const sgin = await runCaptured(['sgin', '--holder', 'alice']);
    expect(sgin.code).toBe(EXIT.usage);
    expect(sgin.stderr).toBe(
      'error: unknown command "sgin"; did you mean "sign"? (tuf-ceremony help lists every command)',
    );
    expect((await runCaptured(['key', 'ad'])).stderr).toContain('did you mean "key add"?');
    expect((await runCaptured(['help', 'veriyf'])).stderr).toContain('did you mean "verify"?');
    const flag = await runCaptured(['sign', '--holdr', 'alice']);
    expect(flag.code).toBe(EXIT.usage);
    expect(flag.stderr).toMatch(/^error: unknown flag --holdr; did you mean "--holder"\?/);
    const nothing = await runCaptured(['zzzzzz']);
    expect(nothing.stderr).not.toContain('did you mean');
  });
});

describe("README's command table", () => {
  it('is the one the declarations give (npm run docs:commands rewrites it)', async () => {
    const readme = await readFile(join(PROJECT_ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf(TABLE_START);
    const end = readme.indexOf(TABLE_END);
    expect(start).toBeGreaterThan(0);
    expect(readme.slice(start, end + TABLE_END.length)).toBe(commandTableMarkdown(commands));
  });
});
