// Generates ketama_vectors.txt: owners from npm `hashring` 3.2.0 for
// pseudo-random keys over several server sets.
//
//   mkdir -p /tmp/hr && cd /tmp/hr && npm install hashring@3.2.0
//   node /path/to/gen_ketama_vectors.mjs /tmp/hr > ketama_vectors.txt
//
// Format, one record a line:
//   set <label>                       starts a server set
//   option replicas <3|4>             points per digest
//   option vnodes <n>                 digests per server at equal weights
//   option default_port <port>        port left out of the digest string
//   server <weight> <vnodes|0> <name> in ring order (0 = no override)
//   add <weight> <name>               ring.add() after construction
//   remove <name>                     ring.remove() after construction
//   key <utf8 hex> <owner index>      owner index into the current servers
//   range <utf8 hex> <i,j,k>          ring.range(key, 3): 3 distinct owners
import { createRequire } from 'node:module';
import path from 'node:path';

const dir = process.argv[2] || '/tmp/hr';
const require = createRequire(path.join(path.resolve(dir), 'package.json'));
const HashRing = require('hashring');
if (HashRing.version !== '3.2.0') throw new Error(`want hashring 3.2.0, got ${HashRing.version}`);

// xorshift32 with a fixed seed, so the file is reproducible.
let s = 0x9e3779b9;
function rnd() {
  s ^= s << 13; s >>>= 0;
  s ^= s >>> 17;
  s ^= s << 5; s >>>= 0;
  return s;
}
const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:_-/.é✓日本🙂';
const chars = Array.from(alphabet);
function randomKey(i) {
  switch (i % 4) {
    case 0: return `user:${rnd() % 1000000}`;
    case 1: return `session-${rnd().toString(16)}`;
    default: {
      const len = rnd() % 24;
      let k = '';
      for (let j = 0; j < len; j++) k += chars[rnd() % chars.length];
      return k;
    }
  }
}
const hex = (str) => Buffer.from(str, 'utf8').toString('hex');
const KEYS = 2000;

const sets = [
  {
    label: 'equal-weights-ketama',
    servers: Array.from({ length: 10 }, (_, i) => [`10.0.0.${i + 1}:11211`, 1, 0]),
    options: {},
  },
  {
    // 1/7 * 40 * 7 rounds below 40 in double precision: 39 digests each.
    label: 'seven-equal-weights',
    servers: Array.from({ length: 7 }, (_, i) => [`node${i}:6379`, 1, 0]),
    options: {},
  },
  {
    label: 'weighted-ketama',
    servers: [
      ['cache-a.example:11211', 1, 0],
      ['cache-b.example:11211', 2, 0],
      ['cache-c.example:11212', 3, 0],
      ['cache-d.example', 1.5, 0],
      ['192.168.1.10:6379', 0.7, 0],
      ['cache-é:11211', 5, 0],
      ['x', 2.25, 0],
    ],
    options: {},
  },
  {
    label: 'hash_ring-compat-default-port-override',
    servers: [
      ['10.1.0.1:11211', 1, 0],
      ['10.1.0.2:11211', 3, 0],
      ['10.1.0.3:11311', 2, 0],
      ['10.1.0.4:11211', 1, 60],
      ['10.1.0.5', 1, 0],
    ],
    options: { compatibility: 'hash_ring', 'default port': 11211, 'vnode count': 50 },
  },
  {
    label: 'weighted-then-add-remove',
    servers: [
      ['a.example:11211', 1, 0],
      ['b.example:11211', 2, 0],
      ['c.example:11211', 3, 0],
      ['d.example:11211', 4, 0],
    ],
    options: {},
    after: [['add', 'e.example:11211', 2.5], ['remove', 'b.example:11211']],
  },
];

const out = [];
for (const set of sets) {
  const spec = {};
  for (const [name, weight, vnodes] of set.servers) {
    spec[name] = vnodes ? { weight, vnodes } : { weight };
  }
  const ring = new HashRing(spec, 'md5', { 'max cache size': 1, ...set.options });
  out.push(`set ${set.label}`);
  out.push(`option replicas ${ring.replicas}`);
  out.push(`option vnodes ${ring.vnode}`);
  if (ring.defaultport) out.push(`option default_port ${ring.defaultport}`);
  for (const [name, weight, vnodes] of set.servers) out.push(`server ${weight} ${vnodes} ${name}`);
  for (const [op, name, weight] of set.after || []) {
    if (op === 'add') {
      ring.add({ [name]: { weight } });
      out.push(`add ${weight} ${name}`);
    } else {
      ring.remove(name);
      out.push(`remove ${name}`);
    }
  }
  // Owner indices refer to the ring's own server order after the edits.
  const order = ring.servers.map((sv) => sv.string);
  out.push(`order ${order.join(' ')}`);
  for (let i = 0; i < KEYS; i++) {
    const key = randomKey(i);
    out.push(`key ${hex(key)} ${order.indexOf(ring.get(key))}`);
    if (i % 10 === 0) {
      out.push(`range ${hex(key)} ${ring.range(key, 3).map((n) => order.indexOf(n)).join(',')}`);
    }
  }
}
process.stdout.write(out.join('\n') + '\n');
