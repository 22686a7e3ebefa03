import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CeremonyError } from '../metadata/errors.js';
import { parseTime } from '../metadata/time.js';
import { EXIT, type Command, type CommandContext, type OptionSpec } from './command.js';
import { COMMAND_MODULES } from './commands/index.js';
import { exitCodeFor } from './errors.js';
import { TOOL_VERSION } from '../publish/tool-version.js';
import { escapeTerminalBlock } from '../metadata/terminal-text.js';
import { coreDumpWarning, disableCoreDumps } from './core-dumps.js';
import { printable } from '../metadata/printable.js';
import { handlesSecrets, namesSecretVariable } from './secrets.js';
import { commandGroups, commandHelp, groupHelp, topHelp } from './help.js';
import { stdoutClosed } from './pipe-guard.js';
import { didYouMean } from './suggest.js';
import { withCheckedSignatures } from './reused-checks.js';

function words(name: string): string[] {
  return name.split(' ');
}

function startsWith(argv: readonly string[], name: string): boolean {
  return words(name).every((w, i) => argv[i] === w);
}

/** Loads only the module whose prefix the arguments start with, then picks the longest match. */
async function findCommand(
  argv: readonly string[],
): Promise<{ command: Command; rest: string[] } | undefined> {
  const modules = COMMAND_MODULES.filter((m) => startsWith(argv, m.prefix));
  let best: Command | undefined;
  for (const module of modules) {
    for (const command of await module.load()) {
      if (
        startsWith(argv, command.name) &&
        (!best || words(command.name).length > words(best.name).length)
      ) {
        best = command;
      }
    }
  }
  return best ? { command: best, rest: argv.slice(words(best.name).length) } : undefined;
}

/** Every command, loading every module (for help, suggestions and tests). */
export async function allCommands(): Promise<Command[]> {
  const out: Command[] = [];
  for (const module of COMMAND_MODULES) out.push(...(await module.load()));
  return out;
}

function isTerminal(stream: { isTTY?: boolean }): boolean {
  return stream.isTTY === true;
}

function makeContext(): CommandContext {
  const fixed = process.env.TUF_CEREMONY_NOW;
  const fixedMs = fixed ? parseTime(fixed, 'TUF_CEREMONY_NOW') : undefined;
  return {
    // The one sink of every command's output: nothing from metadata reaches the terminal raw.
    // Once the reader of stdout is gone (`| head`), output is dropped and the work goes on.
    out: (text) => {
      if (!stdoutClosed()) process.stdout.write(`${escapeTerminalBlock(text)}\n`);
    },
    err: (text) => process.stderr.write(`${escapeTerminalBlock(text)}\n`),
    env: process.env,
    cwd: process.cwd(),
    now: () => fixedMs ?? Date.now(),
    interactive: isTerminal(process.stdin) && isTerminal(process.stdout),
    progress: isTerminal(process.stderr),
  };
}

/** The words naming a command: the arguments before the first flag. */
function commandWords(argv: readonly string[]): string[] {
  const end = argv.findIndex((a) => a.startsWith('-'));
  return end === -1 ? [...argv] : argv.slice(0, end);
}

/** A usage error for words that name no command, with the closest command or group. */
async function unknownCommand(typed: readonly string[]): Promise<CeremonyError> {
  const commands = await allCommands();
  const names = [...commands.map((c) => c.name), ...commandGroups(commands)];
  let hint = '';
  for (let n = typed.length; n > 0 && hint === ''; n--) {
    hint = didYouMean(typed.slice(0, n).join(' '), names);
  }
  return new CeremonyError(
    'USAGE',
    `unknown command "${printable(typed.join(' '))}"${hint} (tuf-ceremony help lists every command)`,
  );
}

/** `tuf-ceremony help [COMMAND...]`: top-level, group or command help. */
async function help(ctx: CommandContext, topic: readonly string[]): Promise<number> {
  const commands = await allCommands();
  const name = topic.join(' ');
  const command = commands.find((c) => c.name === name);
  if (topic.length === 0) ctx.out(topHelp(commands));
  else if (command !== undefined) ctx.out(commandHelp(command));
  else if (commandGroups(commands).has(name)) ctx.out(groupHelp(name, commands));
  else throw await unknownCommand(topic);
  return EXIT.ok;
}

/** parseArgs' view of the options: the help-only fields removed. */
function parserOptions(options: OptionSpec): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(
    Object.entries(options).map(([name, { description: _d, valueName: _v, ...def }]) => [
      name,
      def,
    ]),
  );
}

/** Parses a command's flags; an unknown flag is a usage error naming the closest known one. */
function parseFlags(command: Command, rest: string[]): ReturnType<typeof parseArgs> {
  try {
    return parseArgs({
      args: rest,
      options: parserOptions(command.options),
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    const message = (err as Error).message.split('\n')[0] ?? '';
    const unknown = /^Unknown option '(-{1,2}[^']*)'/.exec(message)?.[1];
    const text =
      unknown === undefined
        ? message
        : `unknown flag ${printable(unknown)}${didYouMean(
            unknown,
            Object.keys(command.options).map((o) => `--${o}`),
          )}`;
    throw new CeremonyError('USAGE', `${text} (usage: ${command.usage})`);
  }
}

function asksForHelp(args: readonly string[]): boolean {
  return args.includes('--help') || args.includes('-h');
}

/** Switches core dumps off (docs/core-dumps.md), warning when that is not fully possible. */
function warnUnlessCoreDumpsOff(ctx: CommandContext): void {
  const warning = coreDumpWarning(disableCoreDumps());
  if (warning !== undefined) ctx.err(warning);
}

async function runCommand(
  ctx: CommandContext,
  argv: readonly string[],
  jsonMode: (on: boolean) => void,
): Promise<number> {
  if (argv.length === 0 && ctx.interactive) {
    warnUnlessCoreDumpsOff(ctx);
    const { runGuided } = await import('./guided.js');
    const { terminalPrompter } = await import('./prompt.js');
    return await runGuided(ctx, terminalPrompter(), runCli);
  }
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
    ctx.out(topHelp(await allCommands()));
    return argv.length === 0 ? EXIT.usage : EXIT.ok;
  }
  if (argv[0] === 'help') return await help(ctx, argv.slice(1));
  if (argv[0] === '--version') {
    ctx.out(`tuf-ceremony ${TOOL_VERSION}`);
    return EXIT.ok;
  }
  const found = await findCommand(argv);
  if (!found) {
    const typed = commandWords(argv);
    const commands = await allCommands();
    if (typed.length > 0 && commandGroups(commands).has(typed.join(' '))) {
      ctx.out(groupHelp(typed.join(' '), commands));
      return asksForHelp(argv) ? EXIT.ok : EXIT.usage;
    }
    throw await unknownCommand(typed.length > 0 ? typed : argv.slice(0, 1));
  }
  const { command, rest } = found;
  jsonMode('json' in command.options && rest.includes('--json'));
  if (asksForHelp(rest)) {
    ctx.out(commandHelp(command));
    return EXIT.ok;
  }
  const parsed = parseFlags(command, rest);
  if (!command.positionals && parsed.positionals.length > 0) {
    const what = namesSecretVariable(rest)
      ? 'unexpected argument (not repeated: it may be part of a secret)'
      : `unexpected argument "${printable(parsed.positionals[0] ?? '')}"`;
    throw new CeremonyError('USAGE', `${what} (usage: ${command.usage})`);
  }
  // Before any passphrase or PIN is read: no core dump may ever hold one.
  if (handlesSecrets(command)) warnUnlessCoreDumpsOff(ctx);
  const args = { values: parsed.values, positionals: parsed.positionals };
  if (command.reusesSignatureChecks === true)
    return await withCheckedSignatures(ctx, () => command.run(ctx, args));
  return await command.run(ctx, args);
}

/** Runs the CLI on argv (without node and script) and returns the exit code. */
export async function runCli(
  argv: readonly string[],
  ctx: CommandContext = makeContext(),
): Promise<number> {
  const mode = { json: false };
  try {
    return await runCommand(ctx, argv, (on) => (mode.json = on));
  } catch (err) {
    return exitCodeFor(err, ctx.err, mode.json ? ctx.out : undefined);
  }
}
