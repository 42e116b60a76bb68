/**
 * `quorumkit/snowflake`: Snowflake IDs alone, in their own (and the package's
 * smallest) wasm module. The classes are the ones `quorumkit` exports.
 *
 * ```js
 * import { Snowflake } from 'quorumkit/snowflake';
 * const ids = new Snowflake({ machineId: 7 });
 * ids.next(); // 1234567890123456789n
 * ```
 * @module
 */
import '../internal/dispose.js';
export {
  Snowflake,
  layouts,
  randomMachineId,
  machineIdCollisionProbability,
  type ClockBackwardsPolicy,
  type LayoutOptions,
  type SnowflakeLayout,
  type SnowflakeLayoutName,
  type SnowflakeLayoutSpec,
  type SnowflakeOptions,
  type SnowflakeParts,
  type SnowflakePartsOf,
  type SnowflakePresetFields,
} from '../snowflake.js';
import { raw, init as load, initSync as loadSync } from '../bind/snowflake.js';
import type { WasmModuleOrBytes, WasmSource } from '../internal/wasm.js';
export type { WasmModuleOrBytes, WasmSource } from '../internal/wasm.js';

/**
 * Loads this subpath's wasm module from `source`, for hosts where the import could not
 * (README: "Loading the wasm yourself"). Resolves at once if the module is loaded.
 *
 * @example
 * ```js
 * import { init } from 'quorumkit/snowflake';
 * await init(fetch('/assets/quorumkit-snowflake.wasm')); // a URL, a Response, bytes or a WebAssembly.Module
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
 * import { initSync } from 'quorumkit/snowflake';
 * initSync(readFileSync('node_modules/quorumkit/quorumkit-snowflake.wasm'));
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
 * import { version } from 'quorumkit/snowflake';
 * version(); // "0.1.0"
 * ```
 */
export function version(): string {
  return raw.version();
}
