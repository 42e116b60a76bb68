/**
 * The hash functions behind the algorithms' placement contracts.
 *
 * They accept the same keys as every other API (a string, hashed as its UTF-8
 * bytes, or a `Uint8Array`) and match the Rust functions in `quorumkit::hash`
 * bit for bit.
 * @module
 */
import type { Key } from './internal/keys.js';
import { raw, readOutput, reserveOutput, writeKey, writeKeys } from './bind/ring.js';
import { typeError } from './internal/errors.js';

/**
 * CRC-32 (IEEE, as zlib and Go's `crc32.ChecksumIEEE`) of a key.
 *
 * @example
 * ```js
 * import { crc32 } from 'quorumkit';
 * crc32('123456789'); // 0xcbf43926
 * ```
 * @throws {TypeError} if `key` is not a string or `Uint8Array`.
 */
export function crc32(key: Key): number {
  return raw.crc32_key(writeKey(key));
}

/**
 * CRC-32 of many keys in one call.
 *
 * @example
 * ```js
 * import { crc32Many } from 'quorumkit';
 * crc32Many(['a', 'b']); // Uint32Array [ 0xe8b7be43, 0x71beeff9 ]
 * ```
 * @throws {TypeError} if `keys` is not an array of strings or `Uint8Array`s.
 */
export function crc32Many(keys: readonly Key[]): Uint32Array {
  const count = writeKeys(keys);
  reserveOutput(count * 4);
  raw.crc32_batch(count);
  const out = readOutput(count * 4);
  return new Uint32Array(out.slice().buffer);
}

/**
 * XXH64 of a key, as a `bigint`.
 *
 * @example
 * ```js
 * import { xxh64 } from 'quorumkit';
 * xxh64(''); // 0xef46db3751d8e999n
 * xxh64('a', 42n);
 * ```
 * @param seed - 64-bit unsigned seed (default `0n`).
 * @throws {TypeError} if `key` is not a string or `Uint8Array`, or `seed` is not a bigint.
 * @throws {RangeError} if `seed` is outside 0..2^64-1.
 */
export function xxh64(key: Key, seed: bigint = 0n): bigint {
  if (typeof seed !== 'bigint') throw typeError('seed', 'a bigint', seed);
  if (seed < 0n || seed > 0xffff_ffff_ffff_ffffn) {
    throw new RangeError(`seed must be an integer in 0..=2^64-1, got ${seed}n`);
  }
  return BigInt.asUintN(64, raw.xxh64_key(writeKey(key), seed));
}

/**
 * XXH3 (64-bit, seed 0) of a key, as a `bigint`.
 *
 * @example
 * ```js
 * import { xxh3 } from 'quorumkit';
 * xxh3(''); // 0x2d06800538d394c2n
 * ```
 * @throws {TypeError} if `key` is not a string or `Uint8Array`.
 */
export function xxh3(key: Key): bigint {
  return BigInt.asUintN(64, raw.xxh3_key(writeKey(key)));
}
