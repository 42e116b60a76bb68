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
import { raw } from '../bind/snowflake.js';

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
