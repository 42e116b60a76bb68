/**
 * The key boundary: moving string and byte keys into wasm without allocating.
 *
 * A key is written as UTF-8 straight into a scratch buffer that lives in wasm
 * memory (`key_buffer_*` exports); the wasm call then receives only its byte
 * length. Short ASCII keys are copied by a plain loop, four characters to
 * a `u32` store (cheaper than a `TextEncoder` call, and than a store per
 * byte); anything else goes through
 * `TextEncoder.encodeInto`, so every string is encoded exactly as
 * `new TextEncoder().encode(key)` would (a lone surrogate becomes U+FFFD).
 *
 * Batches are packed back to back, with the end offset of each key in a
 * `u32` buffer, and handled by one wasm call.
 *
 * Every module that takes keys has its own scratch buffers; its binding file
 * calls {@link keyBuffer} once with that module's exports and memory.
 * @internal
 */
import type { WasmModule, ModuleExports } from './wasm.js';
import { typeError } from './errors.js';
import { KEEP_BYTES } from '../raw/layout.js';

/** A key: a string (hashed as its UTF-8 bytes) or raw bytes. */
export type Key = string | Uint8Array;

/** The scratch-buffer exports of a module whose exports take keys. @internal */
export interface ScratchExports {
  key_buffer_ptr(): number;
  key_buffer_len(): number;
  key_buffer_reserve(len: number): number;
  ends_buffer_reserve(count: number): number;
  out_buffer_reserve(len: number): number;
  out_buffer_ptr(): number;
}

/** Writing keys into one module's scratch buffers. @internal */
export interface KeyBuffer {
  /**
   * Writes one key into the key buffer and returns its length in bytes, ready
   * for a `*_key(len)` export.
   */
  writeKey(key: unknown, param?: string): number;
  /**
   * Packs `keys` into the key and offsets buffers and returns their count,
   * ready for a `*_batch(count)` export.
   */
  writeKeys(keys: unknown, param?: string): number;
  /**
   * Makes sure the output buffer holds `len` bytes. Call before a batch export
   * that writes results there.
   */
  reserveOutput(len: number): void;
  /**
   * A view of the first `len` bytes of the output buffer, valid until the next
   * wasm call. Call after the batch export.
   */
  readOutput(len: number): Uint8Array;
}

const encoder = new TextEncoder();
/** Strings longer than this skip the ASCII loop: `encodeInto` wins there. */
const ASCII_LOOP_MAX = 64;
/** Keys concatenated per native call in `packAsciiStrings`. */
const CONCAT_CHUNK = 2048;
const concat = String.prototype.concat;

/**
 * The key writer of one module: `raw` is its glue (the scratch exports) and
 * `memory` its accessors from `wasmModule`. The functions returned are
 * closures over this module's buffer pointer and capacity.
 * @internal
 */
export function keyBuffer(
  raw: ScratchExports,
  memory: Pick<WasmModule<ModuleExports>, 'memoryBytes' | 'memoryMayHaveGrown'>,
): KeyBuffer {
  const { memoryBytes, memoryMayHaveGrown } = memory;
  // The key buffer's pointer and capacity, or 0 when the next write must ask
  // the module again: before the first write, and after a write that grew
  // the buffer past KEEP_BYTES, which the module shrinks at that next ask.
  // (A write that throws keeps the cache: the module shrinks the buffer only
  // when asked, so a kept cache is never stale, only slower to give back.)
  let keyPtr = 0;
  let keyCap = 0;
  // A `u32` view of wasm memory for `writeKey`; empty until the first write,
  // and again once a memory growth has detached its buffer.
  let words: Uint32Array = new Uint32Array(0);

  function reserve(len: number): void {
    if (keyCap === 0) {
      keyPtr = raw.key_buffer_ptr();
      keyCap = raw.key_buffer_len();
    }
    if (len > keyCap) {
      keyPtr = raw.key_buffer_reserve(len);
      keyCap = raw.key_buffer_len();
      memoryMayHaveGrown();
    }
  }

  /** Writes `key` at byte offset `at` of the key buffer; returns the bytes written. */
  function put(key: unknown, at: number, param: string): number {
    if (typeof key === 'string') {
      const n = key.length;
      // UTF-8 needs at most 3 bytes per UTF-16 code unit.
      if (at + n * 3 > keyCap) reserve(Math.max(at + n * 3, keyCap * 2));
      // Only strings longer than ASCII_LOOP_MAX get here (writeKey copies shorter
      // ones inline, writeKeys every string); encodeInto is the faster for them.
      return encoder.encodeInto(key, memoryBytes().subarray(keyPtr + at, keyPtr + keyCap)).written;
    }
    if (key instanceof Uint8Array) {
      if (at + key.length > keyCap) reserve(Math.max(at + key.length, keyCap * 2));
      memoryBytes().set(key, keyPtr + at);
      return key.length;
    }
    throw typeError(param, 'a string or Uint8Array', key);
  }

  function writeKey(key: unknown, param = 'key'): number {
    // The per-call hot path, kept small enough for V8 to inline: a short string
    // is copied four code units to a `u32` store (the buffer is 8-byte aligned
    // and holds at least 1 KiB, more than 3 bytes per unit plus the padding of
    // the last word), and kept if every unit was ASCII; otherwise it is
    // re-encoded in place by `encodeInto`. Anything else goes through `put`.
    // One store per four bytes costs about half of one per byte.
    if (keyCap === 0) reserve(0);
    if (typeof key === 'string' && key.length <= ASCII_LOOP_MAX) {
      let w = words;
      if (w.length === 0) w = words = new Uint32Array(memoryBytes().buffer);
      const n = key.length;
      let at = keyPtr >>> 2;
      let units = 0;
      let i = 0;
      for (; i + 4 <= n; i += 4) {
        const a = key.charCodeAt(i);
        const b = key.charCodeAt(i + 1);
        const c = key.charCodeAt(i + 2);
        const d = key.charCodeAt(i + 3);
        units |= a | b | c | d;
        w[at++] = a | (b << 8) | (c << 16) | (d << 24);
      }
      if (i < n) {
        let last = 0;
        for (let shift = 0; i < n; i++, shift += 8) {
          const c = key.charCodeAt(i);
          units |= c;
          last |= c << shift;
        }
        w[at] = last;
      }
      if (units < 0x80) return n;
      const mem = memoryBytes();
      return encoder.encodeInto(key, mem.subarray(keyPtr, keyPtr + keyCap)).written;
    }
    return putAlone(key, param);
  }

  /**
   * {@link put} of a single key at offset 0, outside `writeKey` so that the hot
   * path stays as small as it was; drops the cached capacity when the key
   * grew the buffer past KEEP_BYTES (see `keyCap`).
   */
  function putAlone(key: unknown, param: string): number {
    const len = put(key, 0, param);
    if (keyCap > KEEP_BYTES) keyCap = 0;
    return len;
  }

  // This is the hot loop of every batch call, so the ASCII copy is inlined and
  // the views are rebuilt only when a reservation has grown memory.
  function writeKeys(keys: unknown, param = 'keys'): number {
    const count = packKeys(keys, param);
    if (keyCap > KEEP_BYTES) keyCap = 0;
    return count;
  }

  function packKeys(keys: unknown, param: string): number {
    if (!Array.isArray(keys)) {
      throw typeError(param, 'an array of strings or Uint8Arrays', keys);
    }
    const count = keys.length;
    const endsPtr = raw.ends_buffer_reserve(count);
    if (keyCap === 0) reserve(0);
    memoryMayHaveGrown();
    if (packAsciiStrings(keys, endsPtr)) return count;
    let mem = memoryBytes();
    let ends = new Uint32Array(mem.buffer, endsPtr, count);
    let at = 0;
    for (let i = 0; i < count; i++) {
      const key = keys[i];
      if (typeof key === 'string') {
        const n = key.length;
        if (at + n * 3 > keyCap) {
          reserve(Math.max(at + n * 3, keyCap * 2));
          mem = memoryBytes();
          ends = new Uint32Array(mem.buffer, endsPtr, count);
        }
        const base = keyPtr + at;
        let j = 0;
        if (n <= ASCII_LOOP_MAX) {
          for (; j < n; j++) {
            const c = key.charCodeAt(j);
            if (c >= 0x80) break;
            mem[base + j] = c;
          }
        }
        at += j === n ? n : encoder.encodeInto(key, mem.subarray(base, keyPtr + keyCap)).written;
      } else {
        at += put(key, at, param);
        mem = memoryBytes();
        if (ends.byteLength === 0) ends = new Uint32Array(mem.buffer, endsPtr, count);
      }
      ends[i] = at;
    }
    return count;
  }

  /**
   * The fast path of {@link writeKeys}: when every key is a string of ASCII
   * characters, byte offsets equal character offsets, so the keys are
   * concatenated and encoded by native calls, a chunk of keys at a time.
   * Returns false, having written nothing that matters, if any key is not a
   * string or not ASCII (then UTF-8 lengths differ from string lengths, which
   * `encodeInto` reveals by writing more bytes than it read characters).
   *
   * `String.prototype.concat` over chunks of about two thousand keys is
   * measured at 2–2.5× the speed of `keys.join('')` in Node 20 (one flat
   * string per chunk instead of join's generic path); larger chunks get slower
   * again as the argument list grows.
   */
  function packAsciiStrings(keys: unknown[], endsPtr: number): boolean {
    const count = keys.length;
    let mem = memoryBytes();
    let ends = new Uint32Array(mem.buffer, endsPtr, count);
    let at = 0;
    for (let i = 0; i < count; i++) {
      const key = keys[i];
      if (typeof key !== 'string') return false;
      at += key.length;
      ends[i] = at;
    }
    if (at > keyCap) {
      reserve(Math.max(at, keyCap * 2));
      mem = memoryBytes();
    }
    let pos = keyPtr;
    for (let i = 0; i < count; i += CONCAT_CHUNK) {
      const part: string =
        count <= CONCAT_CHUNK ? concat.apply('', keys as string[]) : concat.apply('', keys.slice(i, i + CONCAT_CHUNK) as string[]);
      const { read, written } = encoder.encodeInto(part, mem.subarray(pos, keyPtr + at));
      if (read !== part.length || written !== part.length) return false;
      pos += written;
    }
    return true;
  }

  function reserveOutput(len: number): void {
    raw.out_buffer_reserve(len);
    memoryMayHaveGrown();
  }

  function readOutput(len: number): Uint8Array {
    memoryMayHaveGrown();
    const ptr = raw.out_buffer_ptr();
    return memoryBytes().subarray(ptr, ptr + len);
  }

  return { writeKey, writeKeys, reserveOutput, readOutput };
}
