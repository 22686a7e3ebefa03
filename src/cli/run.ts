import { parseArgs } from 'node:util';
import { CeremonyError } from '../metadata/errors.js';
import { parseTime } from '../metadata/time.js';
import { EXIT, type Command, type CommandContext } from './command.js';
import { COMMAND_MODULES } from './commands/index.js';
import { exitCodeFor } from './errors.js';
import { TOOL_VERSION } from '../publish/tool-version.js';
import { escapeTerminalBlock } from '../metadata/terminal-text.js';

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

/** Every command, loading every module (for --help and tests). */
export async function allCommands(): Promise<Command[]> {
  const out: Command[] = [];
  for (const module of COMMAND_MODULES) out.push(...(await module.load()));
  return out;
}

async function helpText(): Promise<string> {
  const commands = await allCommands();
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'tuf-ceremony: create and keep alive a TUF trust root',
    '',
    'Usage: tuf-ceremony <command> [options]   (tuf-ceremony <command> --help for its options)',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
  ].join('\n');
}

function isTerminal(stream: { isTTY?: boolean }): boolean {
  return stream.isTTY === true;
}

function makeContext(): CommandContext {
  const fixed = process.env.TUF_CEREMONY_NOW;
  const fixedMs = fixed ? parseTime(fixed, 'TUF_CEREMONY_NOW') : undefined;
  return {
    // The one sink of every command's output: nothing from metadata reaches the terminal raw.
    out: (text) => process.stdout.write(`${escapeTerminalBlock(text)}\n`),
    err: (text) => process.stderr.write(`${escapeTerminalBlock(text)}\n`),
    env: process.env,
    cwd: process.cwd(),
    now: () => fixedMs ?? Date.now(),
    interactive: isTerminal(process.stdin) && isTerminal(process.stdout),
  };
}

/** Runs the CLI on argv (without node and script) and returns the exit code. */
export async function runCli(
  argv: readonly string[],
  ctx: CommandContext = makeContext(),
): Promise<number> {
  try {
    if (argv.length === 0 && ctx.interactive) {
      const { runGuided } = await import('./guided.js');
      const { terminalPrompter } = await import('./prompt.js');
      return await runGuided(ctx, terminalPrompter(), runCli);
    }
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      ctx.out(await helpText());
      return argv.length === 0 ? EXIT.usage : EXIT.ok;
    }
    if (argv[0] === '--version') {
      ctx.out(`tuf-ceremony ${TOOL_VERSION}`);
      return EXIT.ok;
    }
    const found = await findCommand(argv);
    if (!found)
      throw new CeremonyError(
        'USAGE',
        `unknown command "${argv.join(' ')}"; run tuf-ceremony --help`,
      );
    const { command, rest } = found;
    if (rest.includes('--help') || rest.includes('-h')) {
      ctx.out(`Usage: ${command.usage}\n\n${command.summary}`);
      return EXIT.ok;
    }
    let parsed;
    try {
      parsed = parseArgs({
        args: rest,
        options: command.options,
        allowPositionals: true,
        strict: true,
      });
    } catch (err) {
      throw new CeremonyError(
        'USAGE',
        `${(err as Error).message.split('\n')[0] ?? ''} (usage: ${command.usage})`,
      );
    }
    if (!command.positionals && parsed.positionals.length > 0) {
      throw new CeremonyError(
        'USAGE',
        `unexpected argument "${parsed.positionals[0] ?? ''}" (usage: ${command.usage})`,
      );
    }
    return await command.run(ctx, { values: parsed.values, positionals: parsed.positionals });
  } catch (err) {
    return exitCodeFor(err, ctx.err);
  }
}
