// What every load environment runs once the package has loaded: a little of
// each algorithm through the public API, returned as JSON-friendly data that
// environments.test.mjs checks against independent references.
// `q` is the imported package; `bloomBytes`, when given, is a filter written
// by the Rust crate (tests/testdata/bloom/native_v1.bin, keys user:0..999).
export const RING_SERVERS = ['10.0.0.1:11211', '10.0.0.2:11211', '10.0.0.3:11211'];
export const RING_KEYS = Array.from({ length: 50 }, (_, i) => `user:${i}`);

export function run(q, bloomBytes) {
  const ring = new q.HashRing({ hash: 'ketama' });
  ring.addMany(RING_SERVERS);
  const owners = ring.getMany(RING_KEYS);
  ring.free();

  const built = q.BloomFilter.withRate(100, 0.01);
  built.addMany(RING_KEYS);
  const copy = q.BloomFilter.fromBase64(built.toBase64());
  const bloom = { roundTrip: copy.hasMany(RING_KEYS).every((b) => b === 1), serverKeysFound: null };
  built.free();
  copy.free();
  if (bloomBytes) {
    const server = q.BloomFilter.fromBytes(bloomBytes);
    bloom.serverKeysFound = Array.from({ length: 1000 }, (_, i) => `user:${i}`).filter((k) => server.has(k)).length;
    server.free();
  }

  return {
    version: q.version(),
    crc32: q.crc32('123456789'),
    xxh64: q.xxh64('').toString(16),
    ring: owners,
    bloom,
  };
}
