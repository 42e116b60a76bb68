/**
 * `quorumkit/ring`: consistent hashing (hash rings, bounded loads,
 * rendezvous, Maglev, jump) and the hash functions of its placement
 * contracts, in their own wasm module. The classes are the ones `quorumkit`
 * exports.
 *
 * ```js
 * import { HashRing } from 'quorumkit/ring';
 * const ring = new HashRing();
 * ring.addMany(['cache-a', 'cache-b', 'cache-c']);
 * ring.get('user:42'); // "cache-b"
 * ```
 * @module
 */
import '../internal/dispose.js';
export type { Key } from '../internal/keys.js';
export { crc32, crc32Many, xxh64, xxh3 } from '../hash.js';
export {
  HashRing,
  BoundedLoadRing,
  Rendezvous,
  Maglev,
  jumpHash,
  jumpHashMany,
  jumpStats,
  jumpMovement,
  type SampleMovement,
  type RingHash,
  type HashRingOptions,
  type NodeOptions,
  type LoadSummary,
  type NodeLoad,
  type RingStats,
  type RingPoints,
  type MovedArc,
  type Movement,
  type MovementOptions,
  type BoundedLoadOptions,
  type BoundedLoad,
  type BoundedMovement,
  type KeyWalk,
  type MaglevOptions,
} from '../ring.js';
import { raw } from '../bind/ring.js';

/**
 * The package version, read from this subpath's wasm module.
 *
 * @example
 * ```js
 * import { version } from 'quorumkit/ring';
 * version(); // "0.1.0"
 * ```
 */
export function version(): string {
  return raw.version();
}
