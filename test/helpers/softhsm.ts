import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from './fixtures.js';

// Real SoftHSM2 tokens for the hardware-key tests: one temp directory per test file holding a
// softhsm2.conf and its token directory. SoftHSM reads SOFTHSM2_CONF when the module is
// initialized, and sees only the tokens that exist then: create every token first, then load.

const MODULE_CANDIDATES = [
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib64/pkcs11/libsofthsm2.so',
  '/usr/local/lib/softhsm/libsofthsm2.so',
  '/opt/homebrew/lib/softhsm/libsofthsm2.so',
];

function hasUtil(): boolean {
  try {
    execFileSync('softhsm2-util', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** SoftHSM2's PKCS#11 module, when installed. */
export const SOFTHSM_MODULE: string | undefined = MODULE_CANDIDATES.find((p) => existsSync(p));

/** Whether the hardware-key tests can run (module and softhsm2-util present; see global-setup). */
export const HAVE_SOFTHSM = SOFTHSM_MODULE !== undefined && hasUtil();

/** A SoftHSM2 installation in a temp dir. */
export interface SoftHsm {
  readonly dir: string;
  readonly conf: string;
  readonly modulePath: string;
  /** Environment for child processes (the CLI) that should see these tokens. */
  readonly env: Record<string, string>;
  /** Initializes a token; returns the slot id SoftHSM assigned to it. */
  createToken(label: string, pin: string): number;
  /** Creates a key pair on a token with chosen attributes (as a vendor tool would). */
  createKeyPair(spec: KeyPairSpec): void;
  /** Reads attributes of the private keys with a label: `{ sign, extractable, ... }`. */
  privateKeyAttributes(token: string, pin: string, label: string): Record<string, boolean>[];
  remove(): void;
}

/** A key pair the helper creates outside the tool. */
export interface KeyPairSpec {
  token: string;
  pin: string;
  label: string;
  idHex: string;
  curve: 'p256' | 'ed25519';
  sign: boolean;
  /** CKA_ALWAYS_AUTHENTICATE: the PIN is checked again for every signature. */
  alwaysAuthenticate?: boolean;
}

/** Creates a SoftHSM2 directory and config; the caller points SOFTHSM2_CONF at `conf`. */
export function createSoftHsm(): SoftHsm {
  if (SOFTHSM_MODULE === undefined) throw new Error('SoftHSM2 is not installed');
  const modulePath = SOFTHSM_MODULE;
  const dir = mkdtempSync(join(tmpdir(), 'tuf-ceremony-softhsm-'));
  const tokens = join(dir, 'tokens');
  mkdirSync(tokens);
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(
    conf,
    `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`,
  );
  const env = { ...process.env, SOFTHSM2_CONF: conf } as Record<string, string>;
  const node = (script: string, args: unknown): string =>
    execFileSync(process.execPath, ['-e', script], {
      cwd: PROJECT_ROOT,
      env: { ...env, HSM_ARGS: JSON.stringify({ ...(args as object), modulePath }) },
      encoding: 'utf8',
    });
  return {
    dir,
    conf,
    modulePath,
    env: { SOFTHSM2_CONF: conf },
    createToken(label, pin) {
      const out = execFileSync(
        'softhsm2-util',
        ['--init-token', '--free', '--label', label, '--so-pin', '12345678', '--pin', pin],
        { env, encoding: 'utf8' },
      );
      const slot = /reassigned to slot (\d+)/.exec(out)?.[1];
      if (slot === undefined) throw new Error(`softhsm2-util did not report a slot: ${out}`);
      return Number(slot);
    },
    createKeyPair(spec) {
      node(KEYGEN_SCRIPT, spec);
    },
    privateKeyAttributes(token, pin, label) {
      return JSON.parse(node(ATTRS_SCRIPT, { token, pin, label })) as Record<string, boolean>[];
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const OPEN = `
const p = require('pkcs11js');
const a = JSON.parse(process.env.HSM_ARGS);
const m = new p.PKCS11(); m.load(a.modulePath); m.C_Initialize();
const slot = m.C_GetSlotList(true).find((s) => m.C_GetTokenInfo(s).label.trim() === a.token);
const s = m.C_OpenSession(slot, p.CKF_SERIAL_SESSION | p.CKF_RW_SESSION);
m.C_Login(s, p.CKU_USER, a.pin);
`;

const KEYGEN_SCRIPT = `${OPEN}
const ed = a.curve === 'ed25519';
const keyType = ed ? 0x40 : p.CKK_EC;
const params = Buffer.from(ed ? '06032b6570' : '06082a8648ce3d030107', 'hex');
const id = Buffer.from(a.idHex, 'hex');
m.C_GenerateKeyPair(s, { mechanism: ed ? 0x1055 : p.CKM_ECDSA_KEY_PAIR_GEN }, [
  { type: p.CKA_CLASS, value: p.CKO_PUBLIC_KEY }, { type: p.CKA_KEY_TYPE, value: keyType },
  { type: p.CKA_TOKEN, value: true }, { type: p.CKA_PRIVATE, value: false },
  { type: p.CKA_EC_PARAMS, value: params }, { type: p.CKA_LABEL, value: a.label }, { type: p.CKA_ID, value: id },
], [
  { type: p.CKA_CLASS, value: p.CKO_PRIVATE_KEY }, { type: p.CKA_KEY_TYPE, value: keyType },
  { type: p.CKA_TOKEN, value: true }, { type: p.CKA_PRIVATE, value: true }, { type: p.CKA_SENSITIVE, value: true },
  { type: p.CKA_SIGN, value: a.sign }, { type: p.CKA_DERIVE, value: !a.sign },
  { type: p.CKA_ALWAYS_AUTHENTICATE, value: a.alwaysAuthenticate === true },
  { type: p.CKA_LABEL, value: a.label }, { type: p.CKA_ID, value: id },
]);
m.C_Finalize();
`;

const ATTRS_SCRIPT = `${OPEN}
m.C_FindObjectsInit(s, [{ type: p.CKA_CLASS, value: p.CKO_PRIVATE_KEY }, { type: p.CKA_LABEL, value: a.label }]);
const hs = m.C_FindObjects(s, 10); m.C_FindObjectsFinal(s);
const names = ['TOKEN', 'PRIVATE', 'SENSITIVE', 'EXTRACTABLE', 'SIGN'];
const out = hs.map((h) => Object.fromEntries(names.map((n) =>
  [n.toLowerCase(), m.C_GetAttributeValue(s, h, [{ type: p['CKA_' + n] }])[0].value[0] === 1])));
process.stdout.write(JSON.stringify(out));
m.C_Finalize();
`;

/** A SecretSource answering from a list of PINs, recording every label it was asked with. */
export function scriptedPins(
  pins: string[],
  canRetry = true,
): {
  get: (kind: string, label: string, attempt: number) => Promise<string>;
  canRetry: () => boolean;
  asked: string[];
} {
  const asked: string[] = [];
  return {
    asked,
    canRetry: () => canRetry,
    get(kind, label) {
      asked.push(`${kind}: ${label}`);
      const pin = pins.shift();
      if (pin === undefined)
        return Promise.reject(new Error(`unexpected ${kind} prompt: ${label}`));
      return Promise.resolve(pin);
    },
  };
}
