/**
 * `quorumkit/bloom`: the Bloom filters alone, in their own wasm module. The
 * classes are the ones `quorumkit` exports.
 *
 * ```js
 * import { BloomFilter } from 'quorumkit/bloom';
 * const seen = BloomFilter.withRate(10_000, 0.01);
 * seen.add('alice');
 * seen.has('alice'); // true
 * ```
 * @module
 */
import '../internal/dispose.js';
export type { Key } from '../internal/keys.js';
export {
  BloomFilter,
  CountingBloomFilter,
  ScalableBloomFilter,
  SplitBlockBloomFilter,
  parquetKey,
  type Keys,
  type ParquetType,
  type ScalableBloomFilterOptions,
  type ScalableBloomFilterStage,
} from '../bloom.js';
import { raw } from '../bind/bloom.js';

/**
 * The package version, read from this subpath's wasm module.
 *
 * @example
 * ```js
 * import { version } from 'quorumkit/bloom';
 * version(); // "0.1.0"
 * ```
 */
export function version(): string {
  return raw.version();
}
