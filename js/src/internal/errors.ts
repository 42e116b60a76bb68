/**
 * The error convention, shared with the Rust core: a message names the
 * parameter, what it allows and what it got — `"vnodes must be an integer in
 * 1..=10000, got 0"` — and the class is `RangeError` for a value out of range,
 * `TypeError` for a value of the wrong type. Rust-side checks produce the same
 * wording, so it does not matter which side caught the problem.
 * @internal
 */

/** Renders a rejected value for an error message without throwing. @internal */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
    case 'number':
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
    default:
      return Array.isArray(value)
        ? 'an array'
        : `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
  }
}

/** A `TypeError` naming the parameter and what it allows. @internal */
export function typeError(param: string, allowed: string, got: unknown): TypeError {
  return new TypeError(`${param} must be ${allowed}, got ${describe(got)}`);
}

/** A `RangeError` naming the parameter and what it allows. @internal */
export function rangeError(param: string, allowed: string, got: unknown): RangeError {
  return new RangeError(`${param} must be ${allowed}, got ${describe(got)}`);
}

/** Checks that `value` is an integer in `[min, max]` and returns it. @internal */
export function integer(param: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number') throw typeError(param, 'a number', value);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw rangeError(param, `an integer in ${min}..=${max}`, value);
  }
  return value;
}

/** Checks that an options argument is absent or a plain object. @internal */
export function options<T extends object>(param: string, value: T | undefined): Partial<T> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw typeError(param, 'an options object', value);
  }
  return value;
}

/** Checks that `value` is a number (any number: range checks are the caller's) and returns it. @internal */
export function requireNumber(param: string, value: unknown): number {
  if (typeof value !== 'number') throw typeError(param, 'a number', value);
  return value;
}

/** {@link requireNumber} for an optional argument: `undefined` passes through. @internal */
export function optionalNumber(param: string, value: unknown): number | undefined {
  return value === undefined ? undefined : requireNumber(param, value);
}

/** Checks that an optional argument is absent or a boolean and returns it. @internal */
export function optionalBoolean(param: string, value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw typeError(param, 'a boolean', value);
  return value;
}

const MAX_U64 = (1n << 64n) - 1n;

/**
 * Checks a 64-bit seed: a safe integer (0..=2^53-1) or a bigint (0..=2^64-1), and returns it as a
 * bigint. @internal
 */
export function seed64(param: string, value: unknown): bigint {
  if (typeof value === 'bigint') {
    if (value < 0n || value > MAX_U64) throw rangeError(param, 'a bigint in 0..=2^64-1', value);
    return value;
  }
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw rangeError(param, 'an integer in 0..=2^53-1', value);
    return BigInt(value);
  }
  throw typeError(param, 'a number or bigint', value);
}
