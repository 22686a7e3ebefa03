import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../helpers/fixtures.js';
import { createSoftHsm, HAVE_SOFTHSM, type SoftHsm } from '../../helpers/softhsm.js';

const MODULES = pathToFileURL(join(PROJECT_ROOT, 'dist', 'hsm', 'modules.js')).href;

// A process that loaded a module and is interrupted (Ctrl-C) finalizes the module, then still
// ends as interrupted. C_Finalize is observed by wrapping it before the signal arrives.
const SCRIPT = `
import { writeSync } from 'node:fs';
const { loadModule } = await import(process.env.MODULES);
const mod = await loadModule({ path: process.env.MODULE_PATH });
const original = mod.pkcs11.C_Finalize.bind(mod.pkcs11);
mod.pkcs11.C_Finalize = () => { original(); writeSync(2, 'finalized\\n'); };
process.kill(process.pid, process.env.SIGNAL);
setTimeout(() => writeSync(2, 'still running\\n'), 3000);
`;

describe.runIf(HAVE_SOFTHSM)('PKCS#11 module cleanup on interruption', () => {
  let hsm: SoftHsm;

  beforeAll(() => {
    hsm = createSoftHsm();
    hsm.createToken('alice', '1234');
  });

  afterAll(() => {
    hsm.remove();
  });

  it.each(['SIGINT', 'SIGTERM'])(
    'finalizes the module on %s and still ends by that signal',
    (signal) => {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', SCRIPT], {
        env: { ...process.env, ...hsm.env, MODULES, MODULE_PATH: hsm.modulePath, SIGNAL: signal },
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(r.stderr).toBe('finalized\n');
      expect(r.signal).toBe(signal);
    },
  );
});
