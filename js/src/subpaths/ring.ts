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
import { raw, init as load, initSync as loadSync } from '../bind/ring.js';
import type { WasmModuleOrBytes, WasmSource } from '../internal/wasm.js';
export type { WasmModuleOrBytes, WasmSource } from '../internal/wasm.js';

/**
 * Loads this subpath's wasm module from `source`, for hosts where the import could not
 * (README: "Loading the wasm yourself"). Resolves at once if the module is loaded.
 *
 * @example
 * ```js
 * import { init } from 'quorumkit/ring';
 * await init(fetch('/assets/quorumkit-ring.wasm')); // a URL, a Response, bytes or a WebAssembly.Module
 * ```
 */
export function init(source?: WasmSource): Promise<void> {
  return load(source);
}

/**
 * Instantiates this subpath's wasm module synchronously from a compiled
 * `WebAssembly.Module` or the module's bytes. Returns at once if the module is loaded.
 *
 * @example
 * ```js
 * import { initSync } from 'quorumkit/ring';
 * initSync(readFileSync('node_modules/quorumkit/quorumkit-ring.wasm'));
 * ```
 */
export function initSync(module: WasmModuleOrBytes): void {
  loadSync(module);
}

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
