/**
 * Reading the codes a wasm module sends for names (roles, message kinds,
 * event types, …). The tables come from the Rust sources through the
 * generated `raw/layout.ts`, so a code means the same on both sides; a code
 * outside its table means the facade and the module were built from
 * different sources, and is an error rather than a guess.
 * @internal
 */

/**
 * The entry of `names` at `code`.
 * @throws {Error} if the table has no such code.
 * @internal
 */
export function named<T>(names: readonly T[], code: number, what: string): T {
  const name = names[code];
  if (name === undefined) throw new Error(`unknown ${what} code ${code} from the wasm module`);
  return name;
}
