// Generates seed_vectors.txt: owners in the guide's ring, computed by a naive
// re-implementation of its description, independent of quorumkit:
//   point i of node n = crc32_ieee(n ++ decimal(i)) for i in 0..replicas;
//   a key sits at crc32_ieee(key); its owner is the first point >= hash
//   (linear scan over the sorted points), wrapping to index 0; when points
//   collide, the node added last owns the point (a map where the last write wins).
//
//   node tests/testdata/ring/gen_seed_vectors.mjs > tests/testdata/ring/seed_vectors.txt
//
// Format, one record a line:
//   set <replicas> <name> <name> …   nodes in the order they are added
//   key <utf8 hex> <owner name>
const TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
const utf8 = (s) => new TextEncoder().encode(s);

function guideRing(names, replicas) {
  const owner = new Map();
  const points = [];
  for (const n of names) {
    for (let i = 0; i < replicas; i++) {
      const h = crc32(utf8(n + String(i)));
      points.push(h);
      owner.set(h, n);
    }
  }
  points.sort((a, b) => a - b);
  return (key) => {
    const h = crc32(utf8(key));
    let i = 0;
    while (i < points.length && points[i] < h) i++;
    if (i === points.length) i = 0;
    return owner.get(points[i]);
  };
}

let s = 0x1234567;
const rnd = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
const chars = Array.from('abcxyz0123456789:-_é日🙂');
function randomKey(i) {
  if (i % 3 === 0) return `user:${rnd() % 100000}`;
  let k = '';
  const len = rnd() % 12;
  for (let j = 0; j < len; j++) k += chars[rnd() % chars.length];
  return k;
}

const sets = [
  [100, Array.from({ length: 10 }, (_, i) => `node-${i}`)],
  [3, ['cache-a', 'cache-b', 'cache-c']],
  // "a" ++ "10" = "a1" ++ "0": shared points, owned by the node added last.
  [12, ['a', 'a1', 'b']],
  [25, ['n', 'n1', 'n12', 'x', 'x1', '東京', 'ünïcødé']],
  [1, ['solo']],
];
const out = [];
for (const [replicas, names] of sets) {
  out.push(`set ${replicas} ${names.join(' ')}`);
  const get = guideRing(names, replicas);
  const fixed = ['a10', 'n10', 'n120', 'x10', '', 'user:1'];
  for (let i = 0; i < 400; i++) {
    const key = i < fixed.length ? fixed[i] : randomKey(i);
    out.push(`key ${Buffer.from(key, 'utf8').toString('hex')} ${get(key)}`);
  }
}
process.stdout.write(out.join('\n') + '\n');
