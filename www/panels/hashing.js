// Hashes panel: the hash functions every placement is built on, live.
import { crc32, xxh64, xxh3 } from 'quorumkit/ring';

export const id = 'hashing';

export function mount(root) {
  root.innerHTML = `
    <h2>Hash functions</h2>
    <p class="explain">Every algorithm here starts by turning a key into a number. A key is hashed as its
    UTF-8 bytes, so "café" and "東京" hash the same in Rust, in Node and in this page. CRC-32 places keys on
    the guide's ring; XXH64 and XXH3 are fast, well-mixed 64-bit hashes used by the balanced rings and the
    Bloom filters.</p>
    <label>Key <input id="hash-key" value="user:42" autocomplete="off" spellcheck="false"></label>
    <dl>
      <dt>CRC-32 (IEEE)</dt><dd><output id="hash-crc32"></output></dd>
      <dt>XXH64 (seed 0)</dt><dd><output id="hash-xxh64"></output></dd>
      <dt>XXH3-64</dt><dd><output id="hash-xxh3"></output></dd>
    </dl>`;
  const input = root.querySelector('#hash-key');
  const show = () => {
    const k = input.value;
    root.querySelector('#hash-crc32').textContent = `0x${crc32(k).toString(16).padStart(8, '0')}`;
    root.querySelector('#hash-xxh64').textContent = `0x${xxh64(k).toString(16).padStart(16, '0')}`;
    root.querySelector('#hash-xxh3').textContent = `0x${xxh3(k).toString(16).padStart(16, '0')}`;
  };
  input.addEventListener('input', show);
  show();
}
