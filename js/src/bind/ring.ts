/**
 * The binding of the `quorumkit/ring` wasm module (consistent hashing and the
 * hash functions): its glue, its memory views and its key writer.
 * The entry points of the subpath load the module through `autoload` or `initSync`.
 * @internal
 */
import * as raw from '../raw/ring.js';
import { wasmModule } from '../internal/wasm.js';
import { keyBuffer } from '../internal/keys.js';

export { raw };
/** @internal */
export const { init, initSync, autoload, autoloadSync, loaded, wasm, memoryBytes, memoryMayHaveGrown, memoryF64 } = wasmModule<raw.InitOutput>(
  'quorumkit/ring',
  raw,
);
/** @internal */
export const { writeKey, writeKeys, reserveOutput, readOutput } = keyBuffer(raw, { memoryBytes, memoryMayHaveGrown });
