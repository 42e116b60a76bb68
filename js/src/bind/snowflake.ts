/**
 * The binding of the `quorumkit/snowflake` wasm module (Snowflake IDs): its glue, its
 * memory views.
 * The entry points of the subpath call `bind` once the module is instantiated.
 * @internal
 */
import * as raw from '../raw/snowflake.js';
import { wasmModule } from '../internal/wasm.js';

export { raw };
/** @internal */
export const { bind, wasm, memoryBytes, memoryMayHaveGrown, memoryF64 } = wasmModule<raw.InitOutput>('quorumkit/snowflake');
