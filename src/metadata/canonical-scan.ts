import { CANONICAL_SCAN_WASM } from './canonical-scan-wasm.js';
import { MAX_JSON_DEPTH, scanJson, type JsonScan } from './json-depth.js';
import { copyBytes } from './json.js';
import { isUnsignedEnvelopeHead } from './serialize.js';

// The canonical bytes of a metadata file's `signed`, taken from the file's own text. A file whose
// text has no backslash, whose objects list their keys in strictly ascending byte order and whose
// numbers are plain integers is its OLPC canonical form plus whitespace: dropping the whitespace
// outside strings gives exactly the bytes canonicalBytes would write for the parsed value, without
// walking the value and writing it again. Any other text gets no bytes here, and the caller
// canonicalizes the parsed value as before.
//
// Why the bytes are the canonical bytes (http://wiki.laptop.org/go/Canonical_JSON; the writer in
// canonical.ts), given that the text is valid UTF-8 and JSON.parse accepts it:
// - no backslash: no string holds an escape, so a string's bytes are the UTF-8 of its value, and
//   the value holds no quote, backslash or control character the writer would treat otherwise;
// - keys strictly ascending by bytes: UTF-8 byte order is code-point order, the writer's order,
//   and no key repeats (JSON.parse would keep the last of two, the text both);
// - numbers of at most 15 digits, no fraction, exponent or `-0`: safe integers the writer spells
//   as the text does;
// - `true`, `false`, `null` and the punctuation are written alike.
//
// The scan runs in WebAssembly (canonical-scan.wat): a file of 30 MB is scanned in tens of
// milliseconds, where the same loop in JavaScript took hundreds, most of them before the JIT had
// compiled it. It reads and writes only its own memory, into which the bytes are copied.

/** What scanMetadataBytes found: scanJson's figures and, when the text gives them, the bytes. */
export interface MetadataScan extends JsonScan {
  /** Canonical bytes of the top-level member `signed`; undefined: canonicalize the parsed value. */
  signedCanonical: Uint8Array | undefined;
  /**
   * With signedCanonical: the bytes are exactly unsignedEnvelopeBytes of the parsed `signed`, what
   * prettyJson writes for `{signatures: [], signed}` (the one-space layout of JSON.stringify,
   * keys in UTF-16 order, one closing newline), and the file holds nothing else.
   */
  laidOut: boolean;
}

const BACKSLASH = 0x5c;
/** Where the text starts in the module's memory (the words it compares lie before). */
const TEXT = 64;
/** Bytes after the text that a sixteen-byte load may touch, and the size of one depth's frame. */
const SLACK = 16;
const FRAME_BYTES = 12;
const PAGE = 65_536;
/** Files up to this size share one instance, whose memory stays; larger ones get their own. */
const SHARED_MAX = 1 << 20;
/** Bytes scanned per call into the module. */
const STEP_BYTES = 1 << 20;

// The part of the WebAssembly JS API used here (the ES2022 library does not declare it).
interface WasmGlobal {
  readonly value: number;
}
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface ScanExports {
  memory: WasmMemory;
  begin(length: number, limit: number, stack: number): void;
  scan(budget: number): number;
  /** 0: no bytes; 1: the canonical bytes; 3: those, and the text laid out (see laidOut). */
  complete(): number;
  deepest: WasmGlobal;
  entries: WasmGlobal;
  outEnd: WasmGlobal;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

let compiled: object | undefined;
let shared: ScanExports | undefined;

function newInstance(): ScanExports {
  const api = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  compiled ??= new api.Module(Buffer.from(CANONICAL_SCAN_WASM, 'base64'));
  return new api.Instance(compiled, {}).exports as ScanExports;
}

/** What the module found in `bytes`: depth, entries of `signatures`, the bytes of `signed`. */
function scanInModule(bytes: Uint8Array, limit: number): MetadataScan {
  const length = bytes.length;
  const own = length > SHARED_MAX;
  const module = own ? newInstance() : (shared ??= newInstance());
  const stack = (TEXT + length + SLACK + 7) & ~7;
  const needed = stack + (limit + 2) * FRAME_BYTES;
  const pages = Math.ceil(needed / PAGE) - module.memory.buffer.byteLength / PAGE;
  if (pages > 0) module.memory.grow(pages);
  // The buffer is read after growing: growing replaces it.
  const memory = module.memory.buffer;
  new Uint8Array(memory, TEXT, length).set(bytes);
  module.begin(length, limit, stack);
  // In steps: between two calls the engine can switch to the optimized code it compiled meanwhile.
  while (module.scan(STEP_BYTES) === 0);
  const found = module.complete();
  const canonical = new Uint8Array(memory, TEXT, module.outEnd.value - TEXT);
  return {
    depth: module.deepest.value,
    entries: module.entries.value,
    // A shared memory is written again by the next scan: its bytes are copied out (into a slab,
    // as encodeUtf8 does: 16,384 bins' arrays of their own cost full collections). An own
    // instance's memory is kept by the view alone.
    signedCanonical: found === 0 ? undefined : own ? canonical : copyBytes(canonical),
    // `signatures` first (the scan saw two top-level keys, one of them `signed`). Keys sort alike
    // by code point (the scan) and by UTF-16 unit (prettyJson) unless one holds a character
    // beyond U+FFFF, whose UTF-8 starts with a byte of 0xF0 or more.
    laidOut: found === 3 && isUnsignedEnvelopeHead(bytes) && !beyondPlane0(bytes),
  };
}

/** True when `bytes` hold a lead byte of a 4-byte UTF-8 sequence (five native searches). */
function beyondPlane0(bytes: Uint8Array): boolean {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  for (let lead = 0xf0; lead <= 0xf4; lead++) if (view.includes(lead)) return true;
  return false;
}

/** True when `bytes` hold a backslash (one native search). */
function hasBackslash(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).includes(BACKSLASH);
}

/**
 * One pass over a metadata file's bytes: the nesting depth and the entries of the top-level array
 * `signatures`, exactly as scanJson finds them in `text` (the bytes' strict UTF-8 decoding), and
 * the canonical bytes of `signed` when the text gives them (see above).
 */
export function scanMetadataBytes(
  bytes: Uint8Array,
  text: string,
  limit = MAX_JSON_DEPTH,
): MetadataScan {
  // With a backslash anywhere, strings need scanJson's escape rule, and no bytes are taken.
  if (!hasBackslash(bytes)) {
    try {
      return scanInModule(bytes, limit);
    } catch {
      // No WebAssembly, or no memory for the module's copy: the text's scan needs neither.
    }
  }
  return { ...scanJson(text, limit, 'signatures'), signedCanonical: undefined, laidOut: false };
}

/**
 * The canonical bytes of `signed` taken from a metadata file's bytes this process has just written
 * (a sorted plain view laid out by JSON.stringify), or undefined when the text does not give them.
 */
export function signedCanonicalOf(bytes: Uint8Array): Uint8Array | undefined {
  if (hasBackslash(bytes)) return undefined;
  try {
    return scanInModule(bytes, MAX_JSON_DEPTH).signedCanonical;
  } catch {
    return undefined;
  }
}
