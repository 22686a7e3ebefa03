import { CeremonyError } from '../metadata/errors.js';
import { CKF } from './constants.js';
import {
  detectModules,
  findKnownModule,
  KNOWN_MODULES,
  loadModule,
  moduleAtPath,
  type LoadedModule,
  type ModuleLocation,
} from './modules.js';
import { mapPkcs11Error } from './pkcs11-errors.js';
import type { Pkcs11Uri } from './uri.js';

/** An initialized token in a slot of a loaded module. */
export interface TokenDescriptor {
  readonly module: LoadedModule;
  readonly slot: Buffer;
  readonly slotId: number;
  readonly label: string;
  readonly serial: string;
  readonly manufacturer: string;
  readonly model: string;
  readonly flags: number;
}

/** Where to look for tokens: `--module PATH` (wins) or the URI's module, else auto-detection. */
export interface ModuleOptions {
  modulePath?: string;
}

/** The module locations a URI and options point at (several when auto-detecting). */
export function moduleLocations(uri: Pkcs11Uri, options: ModuleOptions): ModuleLocation[] {
  if (options.modulePath !== undefined) return [moduleAtPath(options.modulePath)];
  if (uri.modulePath !== undefined) return [moduleAtPath(uri.modulePath)];
  if (uri.moduleName !== undefined) {
    const loc = findKnownModule(uri.moduleName);
    if (!loc) {
      throw new CeremonyError(
        'HSM',
        `PKCS#11 module "${uri.moduleName}" is not installed in any usual place; give --module PATH`,
      );
    }
    return [loc];
  }
  const found = detectModules();
  if (found.length === 0) {
    throw new CeremonyError(
      'HSM',
      `no PKCS#11 module found (looked for ${Object.keys(KNOWN_MODULES).join(', ')}); give --module PATH`,
    );
  }
  return found;
}

/** The initialized tokens present in a module's slots. */
export function tokensOf(mod: LoadedModule): TokenDescriptor[] {
  const tokens: TokenDescriptor[] = [];
  try {
    for (const slot of mod.pkcs11.C_GetSlotList(true)) {
      const info = mod.pkcs11.C_GetTokenInfo(slot);
      if (!(info.flags & CKF.TOKEN_INITIALIZED)) continue;
      tokens.push({
        module: mod,
        slot,
        slotId: Number(slot.readBigUInt64LE(0)),
        label: info.label.trimEnd(),
        serial: info.serialNumber.trimEnd(),
        manufacturer: info.manufacturerID.trimEnd(),
        model: info.model.trimEnd(),
        flags: info.flags,
      });
    }
  } catch (err) {
    throw mapPkcs11Error(err, `listing tokens of module ${mod.location.path}`);
  }
  return tokens;
}

/** Current token flags (PIN counters change after each login attempt). */
export function tokenFlags(token: TokenDescriptor): number {
  try {
    return token.module.pkcs11.C_GetTokenInfo(token.slot).flags;
  } catch (err) {
    throw mapPkcs11Error(err, `token ${describeToken(token)}`);
  }
}

/** True when every token attribute given in the URI matches (RFC 7512: absent means any). */
export function tokenMatches(token: TokenDescriptor, uri: Pkcs11Uri): boolean {
  return (
    (uri.token === undefined || uri.token === token.label) &&
    (uri.serial === undefined || uri.serial === token.serial) &&
    (uri.manufacturer === undefined || uri.manufacturer === token.manufacturer) &&
    (uri.model === undefined || uri.model === token.model) &&
    (uri.slotId === undefined || uri.slotId === token.slotId)
  );
}

/** A one-line description of a token for messages and candidate lists. */
export function describeToken(token: TokenDescriptor): string {
  return `"${token.label}" (serial ${token.serial || 'none'}, ${token.manufacturer} ${token.model})`;
}

/** Every token of every module a URI and options point at, by label then serial. */
export async function allTokens(
  uri: Pkcs11Uri,
  options: ModuleOptions,
): Promise<TokenDescriptor[]> {
  const locations = moduleLocations(uri, options);
  const tokens: TokenDescriptor[] = [];
  const failures: CeremonyError[] = [];
  const seen = new Set<string>();
  for (const loc of locations) {
    try {
      for (const t of tokensOf(await loadModule(loc))) {
        // One device behind two detected modules (a YubiKey through ykcs11 and OpenSC) is
        // one token: the first module in KNOWN_MODULES order serves it.
        const ident = JSON.stringify([t.label, t.serial, t.manufacturer, t.model]);
        if (locations.length > 1 && seen.has(ident)) continue;
        seen.add(ident);
        tokens.push(t);
      }
    } catch (err) {
      // Auto-detection tries every usual module; one that fails (no reader daemon) is skipped.
      if (locations.length === 1 || !(err instanceof CeremonyError)) throw err;
      failures.push(err);
    }
  }
  if (tokens.length === 0 && failures[0]) throw failures[0];
  return tokens.sort((a, b) => a.label.localeCompare(b.label) || a.serial.localeCompare(b.serial));
}

/** The one token a URI selects; none or several is an error that lists the candidates. */
export async function selectToken(
  uri: Pkcs11Uri,
  options: ModuleOptions,
): Promise<TokenDescriptor> {
  const tokens = await allTokens(uri, options);
  const matching = tokens.filter((t) => tokenMatches(t, uri));
  const list = (ts: TokenDescriptor[]): string =>
    ts.length === 0 ? 'no tokens present' : ts.map(describeToken).join(', ');
  if (matching.length === 0) {
    throw new CeremonyError(
      'HSM',
      `no token matches ${wanted(uri)}; insert it or fix the URI (present: ${list(tokens)})`,
    );
  }
  if (matching.length > 1) {
    throw new CeremonyError(
      'HSM',
      `${matching.length} tokens match ${wanted(uri)}; add token=, serial= or slot-id= to the URI (candidates: ${list(matching)})`,
    );
  }
  return matching[0] as TokenDescriptor;
}

function wanted(uri: Pkcs11Uri): string {
  const parts: string[] = [];
  if (uri.token !== undefined) parts.push(`token="${uri.token}"`);
  if (uri.serial !== undefined) parts.push(`serial=${uri.serial}`);
  if (uri.manufacturer !== undefined) parts.push(`manufacturer="${uri.manufacturer}"`);
  if (uri.model !== undefined) parts.push(`model="${uri.model}"`);
  if (uri.slotId !== undefined) parts.push(`slot-id=${uri.slotId}`);
  return parts.length > 0 ? parts.join(' ') : 'the URI (it names no token)';
}
