import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CeremonyError } from '../metadata/errors.js';
import { writeFileAtomic } from '../repo/atomic-write.js';

function softhsmUtil(args: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('softhsm2-util', args, { env }, (err, _stdout, stderr) => {
      if (!err) {
        resolve();
        return;
      }
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      reject(
        new CeremonyError(
          'HSM',
          missing
            ? 'demo --hsm needs SoftHSM2 (softhsm2-util): apt-get install softhsm2'
            : `softhsm2-util could not create a demo token: ${stderr.trim().split('\n')[0] ?? ''}`,
        ),
      );
    });
  });
}

/**
 * Creates throwaway SoftHSM2 tokens for the example ceremony, one per holder (label = holder),
 * in `dir`, and points this process's PKCS#11 module at them (SOFTHSM2_CONF must be set before
 * the module is loaded). The demo PINs are example values that guard nothing; softhsm2-util only
 * takes them on its command line.
 */
export async function createDemoTokens(
  dir: string,
  holders: readonly string[],
  pinOf: (holder: string) => string,
): Promise<void> {
  const tokens = join(dir, 'tokens');
  await mkdir(tokens, { recursive: true, mode: 0o700 });
  const conf = join(dir, 'softhsm2.conf');
  await writeFileAtomic(
    conf,
    `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\n`,
  );
  process.env.SOFTHSM2_CONF = conf;
  for (const holder of holders) {
    const pin = pinOf(holder);
    await softhsmUtil(
      ['--init-token', '--free', '--label', holder, '--pin', pin, '--so-pin', `${pin}-so`],
      process.env,
    );
  }
}
