/**
 * The `Symbol.dispose` declaration for projects whose `lib` setting predates
 * explicit resource management. Every subpath imports this file once, so the
 * declaration exists exactly once however many subpaths a program imports.
 * @module
 */
declare global {
  interface SymbolConstructor {
    /**
     * The well-known symbol of explicit resource management (`using`), declared here so
     * projects whose `lib` setting predates it still type-check. Objects that own wasm
     * memory implement it as `free()`.
     */
    readonly dispose: unique symbol;
  }
}

export {};
