import { isJsonObject } from './json.js';

// Checking that every digest of a large targets role is hex (spec 4.5: HASHES are hex strings)
// with one regex test per digest cost about 0.5 µs each: 0.1 s for the 200,000 digests of
// 100,000 targets with sha256 and sha512. Digests are queued instead and the queue is decoded as
// hex natively (Buffer's decoder stops at the first pair that is not hex), about three times
// faster. That decoder reads only the low byte of each UTF-16 unit (U+0161 would pass as `a`), so
// the queue is decoded only when it is all ASCII (its UTF-8 length equals its length). A queue
// that fails (odd length, too long, any other character) proves nothing: the caller then checks
// each digest with the exact regex, which alone decides.

/** Characters queued before one test: enough to amortize the call, little enough to stay young. */
const BATCH_CHARS = 16_384;
const scratch = Buffer.allocUnsafe(BATCH_CHARS);

/** Digests queued for one joint hex test. */
export class HexBatch {
  private queued = '';

  /**
   * Queues the digests of a `hashes` map; false unless it is a non-empty object of non-empty
   * strings (the caller then reports it with its exact check).
   */
  addDigests(hashes: unknown): boolean {
    if (!isJsonObject(hashes)) return false;
    let count = 0;
    for (const name in hashes) {
      const digest = hashes[name];
      if (typeof digest !== 'string' || digest.length === 0) return false;
      this.queued += digest;
      count++;
    }
    return count > 0;
  }

  /** True once enough is queued for a test to pay off. */
  full(): boolean {
    return this.queued.length >= BATCH_CHARS;
  }

  /**
   * Tests and empties the queue: true proves every digest queued since the last test is hex;
   * false proves nothing (the caller checks each digest exactly).
   */
  provedHex(): boolean {
    const queued = this.queued;
    this.queued = '';
    return (
      queued.length <= 2 * scratch.length &&
      Buffer.byteLength(queued, 'utf8') === queued.length &&
      scratch.write(queued, 0, 'hex') * 2 === queued.length
    );
  }
}
