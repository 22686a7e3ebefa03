import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { boolFlag, EXIT, JSON_OPTION, type Command } from '../command.js';
import { requiredFlag } from './sigstore-shared.js';

// `sigstore smoke-test`: the real Sigstore client loads trusted_root.json from a TUF repository
// directory served on 127.0.0.1, as it would from a CDN.

const USAGE = 'tuf-ceremony sigstore smoke-test --repository DIR --root ROOT_JSON [--json]';

/** `sigstore smoke-test`: can @sigstore/tuf fetch and parse this repository's trusted_root.json? */
export const sigstoreSmokeTestCommand: Command = {
  name: 'sigstore smoke-test',
  examples: [
    'tuf-ceremony sigstore smoke-test --repository repository --root repository/1.root.json',
  ],
  exitCodes: { 1: 'the Sigstore client cannot use the repository (its error is shown)' },
  summary: 'check that the Sigstore client can load trusted_root.json from a TUF repository',
  usage: USAGE,
  options: {
    repository: {
      type: 'string',
      valueName: 'DIR',
      description: 'the published TUF repository directory (required)',
    },
    root: {
      type: 'string',
      valueName: 'ROOT_JSON',
      description: 'the trusted root.json the client starts from (required)',
    },
    ...JSON_OPTION,
  },
  async run(ctx, args) {
    const repositoryDir = resolve(ctx.cwd, requiredFlag(args, 'repository', USAGE));
    const rootJson = new Uint8Array(
      await readFile(resolve(ctx.cwd, requiredFlag(args, 'root', USAGE))),
    );
    // Loaded on demand: the TUF client is large and only this command needs it.
    const { smokeTestTrustedRoot } = await import('../../sigstore/smoke-test.js');
    const r = await smokeTestTrustedRoot({ repositoryDir, rootJson });
    if (boolFlag(args, 'json')) {
      ctx.out(JSON.stringify({ loaded: true, repository: repositoryDir, ...r }, null, 2));
      return EXIT.ok;
    }
    ctx.out(
      `the Sigstore client loaded trusted_root.json (sha256 ${r.sha256}): ${r.tlogs} transparency logs, ${r.certificateAuthorities} certificate authorities, ${r.ctlogs} CT logs, ${r.timestampAuthorities} timestamp authorities`,
    );
    return EXIT.ok;
  },
};
