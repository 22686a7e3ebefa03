import type { Command } from '../command.js';
import { demoCommand } from './demo.js';
import { expiryCommand } from './expiry.js';
import { finalizeCommand } from './finalize.js';
import { hsmAttestCommand } from './hsm-attest.js';
import { hsmListCommand } from './hsm-list.js';
import { initCommand } from './init.js';
import { keyAddCommand } from './key-add.js';
import { logCommands } from './log-commands.js';
import { refreshCommand } from './refresh.js';
import { reviewCommand } from './review.js';
import { signCommand } from './sign.js';
import { sigstoreCommands } from './sigstore.js';
import { stageCommand } from './stage.js';
import { statusCommand } from './status.js';
import { verifyCommand } from './verify.js';

/** Every subcommand the CLI knows, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [
  initCommand,
  keyAddCommand,
  stageCommand,
  reviewCommand,
  signCommand,
  statusCommand,
  finalizeCommand,
  expiryCommand,
  refreshCommand,
  demoCommand,
  verifyCommand,
  ...logCommands,
  hsmListCommand,
  hsmAttestCommand,
  ...sigstoreCommands,
];
