import type { Command } from '../command.js';

/**
 * A group of subcommands loaded on demand: `prefix` is the command name, or the first word of a
 * group (`log`, `hsm`, `sigstore`). Loading only the module a run needs keeps start-up fast.
 */
export interface CommandModule {
  prefix: string;
  load: () => Promise<readonly Command[]>;
}

/** Every subcommand module the CLI knows, in the order `--help` lists them. */
export const COMMAND_MODULES: readonly CommandModule[] = [
  { prefix: 'init', load: async () => [(await import('./init.js')).initCommand] },
  { prefix: 'key add', load: async () => [(await import('./key-add.js')).keyAddCommand] },
  { prefix: 'key retire', load: async () => [(await import('./key-retire.js')).keyRetireCommand] },
  { prefix: 'stage', load: async () => [(await import('./stage.js')).stageCommand] },
  { prefix: 'review', load: async () => [(await import('./review.js')).reviewCommand] },
  { prefix: 'sign', load: async () => [(await import('./sign.js')).signCommand] },
  {
    prefix: 'sign-offline',
    load: async () => [(await import('./sign-offline.js')).signOfflineCommand],
  },
  { prefix: 'status', load: async () => [(await import('./status.js')).statusCommand] },
  {
    prefix: 'targets',
    load: async () => {
      const m = await import('./targets.js');
      const i = await import('./targets-import.js');
      return [m.targetsAddCommand, m.targetsRemoveCommand, i.targetsImportCommand];
    },
  },
  { prefix: 'finalize', load: async () => [(await import('./finalize.js')).finalizeCommand] },
  { prefix: 'publish', load: async () => [(await import('./publish.js')).publishCommand] },
  { prefix: 'expiry', load: async () => [(await import('./expiry.js')).expiryCommand] },
  { prefix: 'refresh', load: async () => [(await import('./refresh.js')).refreshCommand] },
  { prefix: 'demo', load: async () => [(await import('./demo.js')).demoCommand] },
  { prefix: 'broadcast', load: async () => [(await import('./broadcast.js')).broadcastCommand] },
  { prefix: 'verify', load: async () => [(await import('./verify.js')).verifyCommand] },
  { prefix: 'log', load: async () => (await import('./log-commands.js')).logCommands },
  {
    prefix: 'hsm',
    load: async () => [
      (await import('./hsm-list.js')).hsmListCommand,
      (await import('./hsm-attest.js')).hsmAttestCommand,
    ],
  },
  { prefix: 'sigstore', load: async () => (await import('./sigstore.js')).sigstoreCommands },
];
