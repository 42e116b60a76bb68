/**
 * The binding of the `quorumkit/snowflake` wasm module (Snowflake IDs): its glue, its
 * memory views.
 * The entry points of the subpath load the module through `autoload` or `initSync`.
 * @internal
 */
import * as raw from '../raw/snowflake.js';
import { wasmModule } from '../internal/wasm.js';

export { raw };
/** @internal */
export const { init, initSync, autoload, autoloadSync, loaded, wasm, memoryBytes, memoryMayHaveGrown, memoryF64 } = wasmModule<raw.InitOutput>(
  'quorumkit/snowflake',
  raw,
);
