/**
 * Access to the instantiated wasm module, shared by every facade class.
 *
 * The package entry points (`index.js` in browsers, `node.mjs` / `node.cjs`
 * in Node) instantiate the module once and call {@link bindExports} before
 * any user code runs, so users never call an init function.
 * @internal
 */
import type { InitOutput } from '../raw/quorumkit.js';

let exports: InitOutput | undefined;

/** Records the instantiated module's exports. Called once by the entry point. @internal */
export function bindExports(e: InitOutput): void {
  exports = e;
}

/** The wasm exports; throws if the entry point did not instantiate the module. @internal */
export function wasm(): InitOutput {
  if (exports === undefined) {
    throw new Error(
      'quorumkit: the wasm module is not instantiated; import the package entry point ("quorumkit"), not a file inside it',
    );
  }
  return exports;
}

let bytes = new Uint8Array(0);

/**
 * A byte view of all of wasm memory, rebuilt only when memory has grown (which
 * detaches the previous buffer and leaves old views with length 0).
 * @internal
 */
export function memoryBytes(): Uint8Array {
  if (bytes.byteLength === 0) {
    bytes = new Uint8Array(wasm().memory.buffer);
  }
  return bytes;
}

/** Forces the next {@link memoryBytes} call to rebuild its view. @internal */
export function memoryMayHaveGrown(): void {
  if (bytes.buffer !== wasm().memory.buffer) {
    bytes = new Uint8Array(wasm().memory.buffer);
  }
}

let f64 = new Float64Array(0);

/**
 * All of wasm memory as `f64`s, through one cached view rebuilt when memory has grown.
 * @internal
 */
export function memoryF64(): Float64Array {
  const buffer = wasm().memory.buffer;
  if (f64.buffer !== buffer) f64 = new Float64Array(buffer);
  return f64;
}
