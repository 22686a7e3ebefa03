// The CLI imports the sigstore modules it needs directly: the index also loads the TUF client
// (smoke test), which would slow every start of the tool.
import type { Command } from '../command.js';
import {
  sigstoreCaAddCommand,
  sigstoreCaEndCommand,
  sigstoreTsaAddCommand,
  sigstoreTsaEndCommand,
} from './sigstore-authorities.js';
import {
  sigstoreCtlogAddCommand,
  sigstoreCtlogEndCommand,
  sigstoreTlogAddCommand,
  sigstoreTlogEndCommand,
} from './sigstore-logs.js';
import {
  sigstoreSigningConfigAddCommand,
  sigstoreSigningConfigEndCommand,
  sigstoreSigningConfigSelectorCommand,
} from './sigstore-signing-config.js';
import { sigstoreCheckCommand } from './sigstore-check.js';
import { sigstorePreviewCommand } from './sigstore-preview.js';
import { sigstoreSmokeTestCommand } from './sigstore-smoke-test.js';

/** Every `sigstore ...` subcommand: trusted_root.json and signing_config edits. */
export const sigstoreCommands: readonly Command[] = [
  sigstoreTlogAddCommand,
  sigstoreTlogEndCommand,
  sigstoreCtlogAddCommand,
  sigstoreCtlogEndCommand,
  sigstoreCaAddCommand,
  sigstoreCaEndCommand,
  sigstoreTsaAddCommand,
  sigstoreTsaEndCommand,
  sigstoreSigningConfigAddCommand,
  sigstoreSigningConfigEndCommand,
  sigstoreSigningConfigSelectorCommand,
  sigstoreSmokeTestCommand,
  sigstoreCheckCommand,
  sigstorePreviewCommand,
];
