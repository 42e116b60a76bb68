/**
 * Standard padded base64 (RFC 4648 §4) for the byte formats, on the
 * platform's own `btoa` / `atob` (browsers and Node ≥ 16), so the wasm module
 * carries no base64 code. Decoding is strict and canonical, as the Rust
 * helpers' `base64` engine is: only the standard alphabet, a length that is a
 * multiple of 4, `=` padding at the end only, and no set bits in the unused
 * low bits of the last character before the padding (RFC 4648 §3.5), so
 * exactly one text decodes to given bytes and encoding gives it back.
 * @internal
 */

/** Characters per `String.fromCharCode` call (well under engines' argument limits). */
const CHUNK = 0x8000;
// Before "==" the last character carries 2 data bits (its low 4 must be 0:
// A, Q, g, w); before "=" it carries 4 (its low 2 must be 0).
const STRICT = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** `bytes` as standard padded base64. @internal */
export function encodeBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    bin += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK) as unknown as number[]);
  }
  return btoa(bin);
}

/**
 * Decodes standard padded base64; `what` names the format in the error
 * ("bloom filter base64 is invalid: …").
 * @internal
 */
export function decodeBase64(text: string, what: string): Uint8Array {
  if (!STRICT.test(text)) throw new Error(`${what} base64 is invalid: ${whyInvalid(text)}`);
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function whyInvalid(text: string): string {
  const bad = text.search(/[^A-Za-z0-9+/=]/);
  if (bad >= 0) {
    return `character ${JSON.stringify(text[bad])} at offset ${bad} is not in the standard alphabet`;
  }
  if (text.length % 4 !== 0) return `its length ${text.length} is not a multiple of 4`;
  const pad = text.indexOf('=');
  if (/^=*$/.test(text.slice(pad)) && text.length - pad <= 2) {
    // The padding is well placed, so the character before it has stray bits.
    const at = pad - 1;
    const unused = text.length - pad === 2 ? 0b1111 : 0b11;
    const canonical = ALPHABET[ALPHABET.indexOf(text[at]) & ~unused];
    return `character ${JSON.stringify(text[at])} at offset ${at} sets bits that encode no data (the canonical text has ${JSON.stringify(canonical)})`;
  }
  return `padding '=' may only end the text (offset ${pad})`;
}
