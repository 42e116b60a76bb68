// Type-checked with `tsc --noEmit` against the packed package's .d.ts.
import { crc32, crc32Many, xxh64, xxh3, version, type Key } from 'quorumkit';

const key: Key = new Uint8Array([1, 2, 3]);
const a: number = crc32('user:1') + crc32(key);
const many: Uint32Array = crc32Many(['a', key]);
const h: bigint = xxh64('a', 7n) ^ xxh3('b');
const v: string = version();
console.log(a, many.length, h, v);

// @ts-expect-error numbers are not keys
crc32(42);
