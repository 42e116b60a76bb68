/**
 * Access to one instantiated wasm module and views over its memory.
 *
 * Each subpath of the package (`quorumkit/snowflake`, `quorumkit/ring`, …)
 * loads its own wasm module, with its own memory. Each has one binding file
 * in `../bind/` that calls {@link wasmModule} once; the facade classes of that
 * subpath import the functions from there, so a view is always over the
 * memory of the module the class calls into.
 *
 * The subpath's entry point (`index.js` in browsers, `node.mjs` / `node.cjs`
 * in Node) instantiates the module and calls `bind` before any user code
 * runs, so users never call an init function.
 * @internal
 */

/** What every instantiated module exports. @internal */
export interface ModuleExports {
  readonly memory: WebAssembly.Memory;
}

/** One module's exports and cached memory views. @internal */
export interface WasmModule<E extends ModuleExports> {
  /** Records the instantiated module's exports. Called once by the entry point. */
  bind(e: E): void;
  /** The wasm exports; throws if the entry point did not instantiate the module. */
  wasm(): E;
  /**
   * A byte view of all of wasm memory, rebuilt only when memory has grown (which
   * detaches the previous buffer and leaves old views with length 0).
   */
  memoryBytes(): Uint8Array;
  /** Forces the next {@link WasmModule.memoryBytes} call to rebuild its view. */
  memoryMayHaveGrown(): void;
  /** All of wasm memory as `f64`s, through one cached view rebuilt when memory has grown. */
  memoryF64(): Float64Array;
}

/**
 * The accessors of the module that `subpath` loads. The functions are closures
 * over the module's own state (no `this`), so binding files can export them
 * by name and the facade calls them as plain functions.
 * @internal
 */
export function wasmModule<E extends ModuleExports>(subpath: string): WasmModule<E> {
  let exports: E | undefined;
  let bytes = new Uint8Array(0);
  let f64 = new Float64Array(0);

  function wasm(): E {
    if (exports === undefined) {
      throw new Error(
        `${subpath}: the wasm module is not instantiated; import the package entry point ("${subpath}"), not a file inside it`,
      );
    }
    return exports;
  }

  return {
    bind(e: E): void {
      exports = e;
    },
    wasm,
    memoryBytes(): Uint8Array {
      if (bytes.byteLength === 0) bytes = new Uint8Array(wasm().memory.buffer);
      return bytes;
    },
    memoryMayHaveGrown(): void {
      if (bytes.buffer !== wasm().memory.buffer) bytes = new Uint8Array(wasm().memory.buffer);
    },
    memoryF64(): Float64Array {
      const buffer = wasm().memory.buffer;
      if (f64.buffer !== buffer) f64 = new Float64Array(buffer);
      return f64;
    },
  };
}
