import { CeremonyError } from '../metadata/errors.js';

// RFC 7512 PKCS#11 URIs: `pkcs11:token=alice;id=%01;object=root-key?module-name=softhsm2`.
// Path attributes select the token and the object; query attributes name the module. PINs never
// travel in a URI here (pin-value and pin-source are refused): they come from a SecretSource.

/** Object classes a URI may name (RFC 7512 section 2.3, `type`). */
export type Pkcs11ObjectType = 'private' | 'public' | 'cert' | 'secret-key' | 'data';

/** A parsed `pkcs11:` URI: every field optional, as in the RFC. */
export interface Pkcs11Uri {
  token?: string;
  serial?: string;
  manufacturer?: string;
  model?: string;
  slotId?: number;
  object?: string;
  id?: Buffer;
  type?: Pkcs11ObjectType;
  modulePath?: string;
  moduleName?: string;
}

const PATH_ATTRS = new Set([
  'token',
  'serial',
  'manufacturer',
  'model',
  'slot-id',
  'object',
  'id',
  'type',
  'library-manufacturer',
  'library-description',
  'library-version',
  'slot-description',
  'slot-manufacturer',
]);
const QUERY_ATTRS = new Set(['module-path', 'module-name']);
const TYPES = new Set<string>(['private', 'public', 'cert', 'secret-key', 'data']);

function fail(uri: string, why: string): never {
  throw new CeremonyError('USAGE', `PKCS#11 URI "${uri}": ${why} (RFC 7512)`);
}

function decodeBytes(uri: string, value: string): Buffer {
  const out: number[] = [];
  let i = 0;
  while (i < value.length) {
    if (value[i] === '%') {
      const hex = value.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) fail(uri, `bad percent-encoding "%${hex}"`);
      out.push(parseInt(hex, 16));
      i += 3;
    } else {
      const ch = String.fromCodePoint(value.codePointAt(i) ?? 0);
      out.push(...Buffer.from(ch, 'utf8'));
      i += ch.length;
    }
  }
  return Buffer.from(out);
}

function splitAttrs(
  uri: string,
  text: string,
  sep: string,
  known: Set<string>,
): Map<string, string> {
  const attrs = new Map<string, string>();
  if (text === '') return attrs;
  for (const part of text.split(sep)) {
    const eq = part.indexOf('=');
    if (eq <= 0) fail(uri, `attribute "${part}" has no value`);
    const name = part.slice(0, eq).toLowerCase();
    if (name === 'pin-value' || name === 'pin-source') {
      throw new CeremonyError(
        'USAGE',
        `PKCS#11 URI: ${name} is refused: PINs are asked for, never written into a key reference`,
      );
    }
    if (!known.has(name) && !name.startsWith('x-')) {
      fail(uri, `unknown attribute "${name}" (known: ${[...known].join(', ')})`);
    }
    if (attrs.has(name)) fail(uri, `attribute "${name}" appears twice`);
    attrs.set(name, part.slice(eq + 1));
  }
  return attrs;
}

/** Parses an RFC 7512 URI; unknown or repeated attributes and PINs are usage errors. */
export function parsePkcs11Uri(uri: string): Pkcs11Uri {
  if (!uri.toLowerCase().startsWith('pkcs11:')) fail(uri, 'does not start with "pkcs11:"');
  const rest = uri.slice('pkcs11:'.length);
  const q = rest.indexOf('?');
  const path = splitAttrs(uri, q < 0 ? rest : rest.slice(0, q), ';', PATH_ATTRS);
  const query = splitAttrs(uri, q < 0 ? '' : rest.slice(q + 1), '&', QUERY_ATTRS);
  const text = (v: string | undefined): string | undefined =>
    v === undefined ? undefined : decodeBytes(uri, v).toString('utf8');
  const result: Pkcs11Uri = {};
  const set = <K extends keyof Pkcs11Uri>(k: K, v: Pkcs11Uri[K] | undefined): void => {
    if (v !== undefined) result[k] = v;
  };
  set('token', text(path.get('token')));
  set('serial', text(path.get('serial')));
  set('manufacturer', text(path.get('manufacturer')));
  set('model', text(path.get('model')));
  set('object', text(path.get('object')));
  const id = path.get('id');
  if (id !== undefined) result.id = decodeBytes(uri, id);
  const type = text(path.get('type'));
  if (type !== undefined) {
    if (!TYPES.has(type)) fail(uri, `type "${type}" is not one of ${[...TYPES].join(', ')}`);
    result.type = type as Pkcs11ObjectType;
  }
  const slot = text(path.get('slot-id'));
  if (slot !== undefined) {
    if (!/^\d+$/.test(slot)) fail(uri, `slot-id "${slot}" is not a decimal number`);
    result.slotId = Number(slot);
  }
  set('modulePath', text(query.get('module-path')));
  set('moduleName', text(query.get('module-name')));
  if (result.modulePath !== undefined && result.moduleName !== undefined) {
    fail(uri, 'give module-path or module-name, not both');
  }
  return result;
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;

function encodeText(value: string, keep = ''): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && (UNRESERVED.test(ch) || keep.includes(ch)) ? ch : pct(byte);
  }
  return out;
}

function pct(byte: number): string {
  return `%${byte.toString(16).padStart(2, '0')}`;
}

/** Formats a URI in a stable attribute order; `id` is always percent-encoded byte by byte. */
export function formatPkcs11Uri(uri: Pkcs11Uri): string {
  const path: string[] = [];
  if (uri.token !== undefined) path.push(`token=${encodeText(uri.token)}`);
  if (uri.serial !== undefined) path.push(`serial=${encodeText(uri.serial)}`);
  if (uri.manufacturer !== undefined) path.push(`manufacturer=${encodeText(uri.manufacturer)}`);
  if (uri.model !== undefined) path.push(`model=${encodeText(uri.model)}`);
  if (uri.slotId !== undefined) path.push(`slot-id=${uri.slotId}`);
  if (uri.id !== undefined) path.push(`id=${[...uri.id].map(pct).join('')}`);
  if (uri.object !== undefined) path.push(`object=${encodeText(uri.object)}`);
  if (uri.type !== undefined) path.push(`type=${uri.type}`);
  const query: string[] = [];
  if (uri.modulePath !== undefined) query.push(`module-path=${encodeText(uri.modulePath, '/:')}`);
  if (uri.moduleName !== undefined) query.push(`module-name=${encodeText(uri.moduleName)}`);
  return `pkcs11:${path.join(';')}${query.length > 0 ? `?${query.join('&')}` : ''}`;
}
