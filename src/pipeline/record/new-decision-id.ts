/**
 * DecisionRecord ids: `dec_` and a random (version 4) UUID, lower-case, as one flat string.
 * crypto.randomUUID() concatenates about twenty pieces into a rope (~600 bytes of garbage
 * per id, and flattened again by the first Map lookup of it); here the 40 characters are
 * written into a byte buffer and read out once. The bytes come from the same CSPRNG,
 * drawn 4 KB at a time.
 */
import { Buffer } from 'node:buffer';
import { randomFillSync } from 'node:crypto';

const POOL_IDS = 256;
const pool = Buffer.alloc(16 * POOL_IDS);
let next = POOL_IDS;
const out = Buffer.from('dec_00000000-0000-0000-0000-000000000000', 'latin1');
const HEX = Buffer.from('0123456789abcdef', 'latin1');
/** Where each of the 16 bytes goes in `out` (after 'dec_', around the dashes). */
const AT = [4, 6, 8, 10, 13, 15, 18, 20, 23, 25, 28, 30, 32, 34, 36, 38];

export function newDecisionId(): string {
  if (next === POOL_IDS) {
    randomFillSync(pool);
    next = 0;
  }
  const base = 16 * next++;
  for (let k = 0; k < 16; k++) {
    let b = pool[base + k]!;
    // RFC 9562: version 4 in byte 6's high nibble, variant 10 in byte 8's top bits.
    if (k === 6) b = (b & 0x0f) | 0x40;
    else if (k === 8) b = (b & 0x3f) | 0x80;
    const at = AT[k]!;
    out[at] = HEX[b >> 4]!;
    out[at + 1] = HEX[b & 0x0f]!;
  }
  return out.toString('latin1', 0, 40);
}
