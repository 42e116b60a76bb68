/**
 * What a facade object holds in place of its wasm object once `free()` has
 * run: any use throws the same clear error, whatever the class, instead of
 * the glue's null-pointer error.
 * @internal
 */

/**
 * A stand-in for a freed raw object of class `what`: every property read
 * throws `"<what> was freed; create a new one"`, except `free`, a no-op, so
 * freeing twice is harmless.
 * @internal
 */
export function freed(what: string): never {
  return new Proxy(
    {},
    {
      get(_t, prop) {
        if (prop === 'free') return () => {};
        throw new Error(`${what} was freed; create a new one`);
      },
    },
  ) as never;
}
