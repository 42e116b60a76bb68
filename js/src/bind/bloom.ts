/**
 * The binding of the `quorumkit/bloom` wasm module (the Bloom filters): its glue, its
 * memory views and its key writer.
 * The entry points of the subpath call `bind` once the module is instantiated.
 * @internal
 */
import * as raw from '../raw/bloom.js';
import { wasmModule } from '../internal/wasm.js';
import { keyBuffer } from '../internal/keys.js';

export { raw };
/** @internal */
export const { bind, wasm, memoryBytes, memoryMayHaveGrown, memoryF64 } = wasmModule<raw.InitOutput>('quorumkit/bloom');
/** @internal */
export const { writeKey, writeKeys, reserveOutput, readOutput } = keyBuffer(raw, { memoryBytes, memoryMayHaveGrown });
