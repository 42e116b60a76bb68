/**
 * Access to one instantiated wasm module and views over its memory.
 *
 * Each subpath of the package (`quorumkit/snowflake`, `quorumkit/ring`, …)
 * loads its own wasm module, with its own memory. Each has one binding file
 * in `../bind/` that calls {@link wasmModule} once; the facade classes of that
 * subpath import the functions from there, so a view is always over the
 * memory of the module the class calls into.
 *
 * The subpath's entry point for each host (`index.js` in browsers and
 * bundlers, `node.mjs` / `node.cjs` in Node, `deno.js`, `workerd.js`,
 * `edge-light.js`) loads the module before any user code runs, through
 * {@link WasmModule.autoload} or {@link WasmModule.initSync}, so users call
 * no init function where the host allows it. Where it does not (no
 * `import.meta.url`, the asset not served, a Content-Security-Policy), the
 * import still completes and the user calls the subpath's public `init` or
 * `initSync` with the module from wherever their host keeps it; until then,
 * every call into the module throws an error naming the failed load as its
 * cause.
 * @internal
 */

/**
 * The two loaders of wasm-bindgen's glue (`--target web`), and the hook that
 * scripts/build.mjs adds to it: the error a call into the glue throws before
 * the module is loaded. @internal
 */
export interface Glue<E> {
  default(input?: { module_or_path: WasmSource | Promise<WasmSource> }): Promise<E>;
  initSync(input: { module: WasmModuleOrBytes }): E;
  __wbg_set_unloaded?(error: () => Error): void;
}

/**
 * Where `init` finds a wasm module: its URL (a `string` or `URL`), a `Request`,
 * a `Response` or a promise of one (`fetch(…)`), its bytes, or a compiled
 * `WebAssembly.Module`.
 *
 * @example
 * ```ts
 * import { init, type WasmSource } from 'quorumkit/ring';
 * const source: WasmSource = fetch('/assets/quorumkit-ring.wasm');
 * await init(source);
 * ```
 */
export type WasmSource = string | URL | Request | Response | PromiseLike<Response> | BufferSource | WebAssembly.Module;

/**
 * What `initSync` takes: a compiled `WebAssembly.Module`, or the module's bytes.
 *
 * @example
 * ```ts
 * import { initSync, type WasmModuleOrBytes } from 'quorumkit/ring';
 * const bytes: WasmModuleOrBytes = readFileSync('node_modules/quorumkit/quorumkit-ring.wasm');
 * initSync(bytes);
 * ```
 */
export type WasmModuleOrBytes = WebAssembly.Module | BufferSource;

/** What every instantiated module exports. @internal */
export interface ModuleExports {
  readonly memory: WebAssembly.Memory;
}

/** One module's exports and cached memory views. @internal */
export interface WasmModule<E extends ModuleExports> {
  /**
   * Loads the module from `source` (its default URL beside the glue when
   * omitted); resolves at once if it is loaded. The subpath exports it as `init`.
   */
  init(source?: WasmSource): Promise<void>;
  /** Instantiates the module synchronously; returns at once if it is loaded. The subpath exports it as `initSync`. */
  initSync(module: WasmModuleOrBytes): void;
  /**
   * The entry points' load: `source()` gives the module's location or bytes;
   * if that throws or the load fails, the error is kept as the cause of the
   * error every later call into the module throws, and the import completes.
   */
  autoload(source: () => WasmSource): Promise<void>;
  /** {@link WasmModule.autoload} for hosts that read or import the module synchronously. */
  autoloadSync(source: () => WasmModuleOrBytes): void;
  /** Whether the module is loaded. */
  loaded(): boolean;
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
export function wasmModule<E extends ModuleExports>(subpath: string, glue: Glue<E>): WasmModule<E> {
  let exports: E | undefined;
  let failed: unknown;
  let bytes = new Uint8Array(0);
  let f64 = new Float64Array(0);

  function notLoaded(): Error {
    const why =
      failed === undefined
        ? `import the package entry point ("${subpath}"), not a file inside it, or call init(source)`
        : `loading it failed (${String(failed)}); call init(source) or initSync(module) from "${subpath}" with the module yourself`;
    return new Error(`${subpath}: the wasm module is not loaded: ${why}`, { cause: failed });
  }
  // Every call into the glue before the module is loaded throws this error.
  glue.__wbg_set_unloaded?.(notLoaded);

  function wasm(): E {
    if (exports === undefined) throw notLoaded();
    return exports;
  }

  async function init(source?: WasmSource): Promise<void> {
    if (exports !== undefined) return;
    exports = await glue.default(source === undefined ? undefined : { module_or_path: source });
    failed = undefined;
  }

  function initSync(module: WasmModuleOrBytes): void {
    // A module compiled in another realm (an edge runtime's sandbox) fails `instanceof`.
    const compiled = module instanceof WebAssembly.Module || Object.prototype.toString.call(module) === '[object WebAssembly.Module]';
    if (!(compiled || module instanceof ArrayBuffer || ArrayBuffer.isView(module))) {
      throw new TypeError(`module must be a WebAssembly.Module, an ArrayBuffer or a typed array, got ${module === null ? 'null' : typeof module}`);
    }
    if (exports !== undefined) return;
    exports = glue.initSync({ module });
    failed = undefined;
  }

  return {
    init,
    initSync,
    async autoload(source: () => WasmSource): Promise<void> {
      try {
        await init(source());
      } catch (e) {
        failed = e;
      }
    },
    autoloadSync(source: () => WasmModuleOrBytes): void {
      try {
        initSync(source());
      } catch (e) {
        failed = e;
      }
    },
    loaded: () => exports !== undefined,
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
