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
  BlockedBloomFilter,
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
import { raw, init as load, initSync as loadSync } from '../bind/bloom.js';
import type { WasmModuleOrBytes, WasmSource } from '../internal/wasm.js';
export type { WasmModuleOrBytes, WasmSource } from '../internal/wasm.js';

/**
 * Loads this subpath's wasm module from `source`, for hosts where the import could not
 * (README: "Loading the wasm yourself"). Resolves at once if the module is loaded.
 *
 * @example
 * ```js
 * import { init } from 'quorumkit/bloom';
 * await init(fetch('/assets/quorumkit-bloom.wasm')); // a URL, a Response, bytes or a WebAssembly.Module
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
 * import { initSync } from 'quorumkit/bloom';
 * initSync(readFileSync('node_modules/quorumkit/quorumkit-bloom.wasm'));
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
 * import { version } from 'quorumkit/bloom';
 * version(); // "0.1.0"
 * ```
 */
export function version(): string {
  return raw.version();
}
