// The JS ⇄ wasm boundary: what one keyed call costs through each path.
// The same 4,096 keys (ASCII `user:<n>` and a non-ASCII mix) go through
// - the facade (`crc32`): UTF-8 written into the wasm scratch buffer, length passed;
// - a default wasm-bindgen `&str` export (`crc32_str`): malloc + copy + free per call;
// - the facade's batch call (`crc32Many`): one call for all keys.
import { crc32, crc32Many } from 'quorumkit';
import * as raw from '../pkg/dist/raw/ring.js';
import { compare, userKeys } from './harness.mjs';

export async function run() {
  const ascii = userKeys(4096);
  const mixed = ascii.map((k, i) => (i % 2 ? `${k}:café` : `${k}:東京`));
  let sink = 0;
  for (const [label, keys] of [
    ['ASCII keys', ascii],
    ['non-ASCII keys', mixed],
  ]) {
    await compare(`Boundary: CRC-32 of one key per call (${label})`, [
      { name: 'facade crc32 (scratch buffer)', ops: keys.length, fn: () => { for (const k of keys) sink ^= crc32(k); } },
      { name: 'crc32Many (batch of 4,096)', ops: keys.length, fn: () => { sink ^= crc32Many(keys)[0]; } },
      { name: 'naive &str binding', ops: keys.length, fn: () => { for (const k of keys) sink ^= raw.crc32_str(k); } },
    ], { reference: 'naive &str binding', unit: 'calls/s' });
  }
  if (sink === 0.5) console.log(sink);
}
