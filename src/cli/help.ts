import type { Command, OptionDef, OptionSpec } from './command.js';
import { COMMON_EXIT_CODES, EXIT_MEANINGS, type ExitCode } from './exit-codes.js';

// Help in the style of gh and git, rendered from each command's declaration (name, summary,
// usage, options, examples, exit codes): the same source as parsing and README's command table.

const PROGRAM = 'tuf-ceremony';

/** The flag as typed, with its short form and value placeholder: `-C, --dir DIR`. */
export function flagSynopsis(name: string, def: OptionDef): string {
  const value = def.type === 'string' ? ` ${def.valueName ?? 'VALUE'}` : '';
  return `${def.short !== undefined ? `-${def.short}, ` : ''}--${name}${value}`;
}

function defaultText(def: OptionDef): string {
  if (def.default === undefined || def.default === false) return '';
  const value = Array.isArray(def.default) ? def.default.join(', ') : String(def.default);
  return ` (default: ${value})`;
}

/** One line per option: synopsis, description, repeatable, default. */
export function optionLines(options: OptionSpec): string[] {
  const rows = Object.entries(options).map(([name, def]) => ({
    flag: flagSynopsis(name, def),
    text: `${def.description}${def.multiple === true ? ' (repeatable)' : ''}${defaultText(def)}`,
  }));
  rows.push({ flag: '-h, --help', text: 'show this help' });
  const width = Math.max(...rows.map((r) => r.flag.length));
  return rows.map((r) => `  ${r.flag.padEnd(width)}  ${r.text}`);
}

/** The exit codes a command can return, with its own meanings where it declares them. */
export function exitCodeLines(command: Pick<Command, 'exitCodes'>): string[] {
  const own = command.exitCodes ?? {};
  const codes = new Set<ExitCode>(COMMON_EXIT_CODES);
  for (const code of Object.keys(own)) codes.add(Number(code) as ExitCode);
  return [...codes]
    .sort((a, b) => a - b)
    .map((code) => `  ${String(code).padEnd(3)}  ${own[code] ?? EXIT_MEANINGS.get(code) ?? ''}`);
}

/** `tuf-ceremony COMMAND --help`. */
export function commandHelp(command: Command): string {
  const lines = [`Usage: ${command.usage}`, '', command.summary];
  if (command.description !== undefined) lines.push('', command.description);
  lines.push('', 'Options:', ...optionLines(command.options));
  if (command.examples !== undefined && command.examples.length > 0) {
    lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  }
  lines.push('', 'Exit codes:', ...exitCodeLines(command));
  return lines.join('\n');
}

function words(name: string): string[] {
  return name.split(' ');
}

/** Command groups: every proper word prefix of a command name (`key`, `sigstore tlog`). */
export function commandGroups(commands: readonly Command[]): Set<string> {
  const groups = new Set<string>();
  for (const command of commands) {
    const parts = words(command.name);
    for (let i = 1; i < parts.length; i++) groups.add(parts.slice(0, i).join(' '));
  }
  return groups;
}

function listing(commands: readonly Command[]): string[] {
  const width = Math.max(...commands.map((c) => c.name.length));
  return commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
}

/** `tuf-ceremony GROUP --help`: the group's subcommands. */
export function groupHelp(group: string, commands: readonly Command[]): string {
  const members = commands.filter((c) => c.name.startsWith(`${group} `));
  return [
    `Usage: ${PROGRAM} ${group} <command> [options]`,
    '',
    'Commands:',
    ...listing(members),
    '',
    `Run "${PROGRAM} ${group} <command> --help" for a command's options, examples and exit codes.`,
  ].join('\n');
}

/** `tuf-ceremony --help` and `tuf-ceremony help`. */
export function topHelp(commands: readonly Command[]): string {
  return [
    `${PROGRAM}: create and keep alive a TUF trust root`,
    '',
    `Usage: ${PROGRAM} <command> [options]`,
    `       ${PROGRAM}                      (in a terminal: guided mode, the next step of the ceremony)`,
    '',
    'Commands:',
    ...listing(commands),
    '',
    'Exit codes:',
    ...exitCodeLines({
      exitCodes: { 3: EXIT_MEANINGS.get(3) ?? '', 4: EXIT_MEANINGS.get(4) ?? '' },
    }),
    '',
    `Run "${PROGRAM} help <command>" or "${PROGRAM} <command> --help" for its options and examples.`,
  ].join('\n');
}
