import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { PKCS11 } from 'pkcs11js';
import { CeremonyError } from '../metadata/errors.js';
import { mapPkcs11Error } from './pkcs11-errors.js';

// PKCS#11 modules (shared libraries) are found by path or by a well-known name, loaded once per
// process, and finalized when the process exits (Ctrl-C included), so tokens are left clean.

const LIB_DIRS = [
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/usr/lib64',
  '/usr/lib',
  '/usr/local/lib',
  '/opt/homebrew/lib',
];

/** Well-known module names and where their libraries usually live. */
export const KNOWN_MODULES: Readonly<Record<string, readonly string[]>> = {
  ykcs11: [
    ...LIB_DIRS.map((d) => `${d}/libykcs11.so`),
    '/usr/local/lib/libykcs11.dylib',
    '/opt/homebrew/lib/libykcs11.dylib',
    'C:\\Program Files\\Yubico\\Yubico PIV Tool\\bin\\libykcs11.dll',
  ],
  opensc: [
    ...LIB_DIRS.map((d) => `${d}/opensc-pkcs11.so`),
    ...LIB_DIRS.map((d) => `${d}/pkcs11/opensc-pkcs11.so`),
    '/Library/OpenSC/lib/opensc-pkcs11.so',
    'C:\\Windows\\System32\\opensc-pkcs11.dll',
  ],
  softhsm2: [
    ...LIB_DIRS.map((d) => `${d}/softhsm/libsofthsm2.so`),
    '/usr/lib64/pkcs11/libsofthsm2.so',
    '/usr/lib/softhsm/libsofthsm2.so',
  ],
};

const ALIASES: Readonly<Record<string, string>> = {
  yubico: 'ykcs11',
  libykcs11: 'ykcs11',
  yubikey: 'ykcs11',
  'opensc-pkcs11': 'opensc',
  softhsm: 'softhsm2',
  libsofthsm2: 'softhsm2',
};

/** A module to use: its library path and, when found by name, that name (kept in key refs). */
export interface ModuleLocation {
  path: string;
  name?: string;
}

/** The first installed library of a well-known module name, or undefined. */
export function findKnownModule(name: string): ModuleLocation | undefined {
  const canonical = ALIASES[name.toLowerCase()] ?? name.toLowerCase();
  const paths = KNOWN_MODULES[canonical];
  if (!paths) {
    const known = Object.keys(KNOWN_MODULES).join(', ');
    throw new CeremonyError('USAGE', `unknown PKCS#11 module name "${name}" (known: ${known})`);
  }
  const path = paths.find((p) => existsSync(p));
  return path === undefined ? undefined : { path, name: canonical };
}

/** Every installed well-known module, one entry per library file. */
export function detectModules(): ModuleLocation[] {
  const seen = new Set<string>();
  const found: ModuleLocation[] = [];
  for (const name of Object.keys(KNOWN_MODULES)) {
    const loc = findKnownModule(name);
    if (!loc) continue;
    const real = realpathSync(loc.path);
    if (seen.has(real)) continue;
    seen.add(real);
    found.push(loc);
  }
  return found;
}

/** A module path given by the holder (`--module` or `module-path`): must be an existing file. */
export function moduleAtPath(path: string): ModuleLocation {
  if (!isAbsolute(path)) {
    throw new CeremonyError('USAGE', `PKCS#11 module path "${path}" must be absolute`);
  }
  if (!existsSync(path)) {
    throw new CeremonyError('HSM', `PKCS#11 module ${path} does not exist`);
  }
  return { path };
}

/** A loaded and initialized module. */
export interface LoadedModule {
  readonly location: ModuleLocation;
  readonly pkcs11: PKCS11;
}

// One initialized library per real path; a LoadedModule carries the location it was asked by.
const loaded = new Map<string, PKCS11>();
let cleanupRegistered = false;

/** Loads and initializes a module once per process (C_Initialize reads e.g. SOFTHSM2_CONF then). */
export async function loadModule(location: ModuleLocation): Promise<LoadedModule> {
  const real = realpathSync(location.path);
  const hit = loaded.get(real);
  if (hit) return { location, pkcs11: hit };
  const lib = (await import('pkcs11js')).default;
  const pkcs11 = new lib.PKCS11();
  try {
    pkcs11.load(location.path);
  } catch (err) {
    throw new CeremonyError(
      'HSM',
      `PKCS#11 module ${location.path} cannot be loaded: ${(err as Error).message.split('\n')[0] ?? ''}`,
      { cause: err },
    );
  }
  try {
    pkcs11.C_Initialize({ flags: lib.CKF_OS_LOCKING_OK });
  } catch (err) {
    try {
      pkcs11.close();
    } catch {
      // the library failed to initialize; closing it is best effort
    }
    throw mapPkcs11Error(err, `initializing module ${location.path}`);
  }
  loaded.set(real, pkcs11);
  registerCleanup();
  return { location, pkcs11 };
}

/** Finalizes and unloads every loaded module (also runs on exit and on SIGINT/SIGTERM). */
export function finalizeModules(): void {
  for (const pkcs11 of loaded.values()) {
    try {
      pkcs11.C_Finalize();
    } catch {
      // already finalized or the token went away: nothing more to release
    }
    try {
      pkcs11.close();
    } catch {
      // unloading is best effort at exit
    }
  }
  loaded.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  finalizeModules();
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  // Re-raise so the default behaviour (or another handler) still ends the process.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function registerCleanup(): void {
  if (cleanupRegistered) return;
  cleanupRegistered = true;
  process.once('exit', finalizeModules);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}
