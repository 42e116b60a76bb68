// What every load environment runs once the package has loaded: a little of
// each subpath through its public API, returned as JSON-friendly data that
// environments.test.mjs checks against independent references (npm
// `hashring`, published checksums) and against the same workload run by the
// test itself in Node (the deterministic Raft runs).
//
// `q` is an imported module: the root `quorumkit` or one subpath.
// `bloomBytes`, when given, is a filter written by the Rust crate
// (tests/testdata/bloom/native_v1.bin, keys user:0..999).
export const RING_SERVERS = ['10.0.0.1:11211', '10.0.0.2:11211', '10.0.0.3:11211'];
export const RING_KEYS = Array.from({ length: 50 }, (_, i) => `user:${i}`);

/** The subpaths, each with its own wasm module. */
export const SUBPATHS = ['snowflake', 'bloom', 'ring', 'raft', 'raft-sim'];

/** What each subpath exports at run time (types aside). */
export const EXPORTS = {
  snowflake: ['Snowflake', 'init', 'initSync', 'layouts', 'machineIdCollisionProbability', 'randomMachineId', 'version'],
  bloom: ['BlockedBloomFilter', 'BloomFilter', 'CountingBloomFilter', 'ScalableBloomFilter', 'SplitBlockBloomFilter', 'init', 'initSync', 'parquetKey', 'version'],
  ring: [
    'BoundedLoadRing', 'HashRing', 'Maglev', 'Rendezvous', 'crc32', 'crc32Many', 'init', 'initSync', 'jumpHash',
    'jumpHashMany', 'jumpMovement', 'jumpStats', 'version', 'xxh3', 'xxh64',
  ],
  raft: ['ClientSessions', 'RaftNode', 'init', 'initSync', 'version'],
  'raft-sim': ['RaftCluster', 'init', 'initSync', 'version'],
};

/** The exports every entry has of its own: the root's load all five modules, a subpath's its one. */
const OWN = ['version', 'init', 'initSync'];

const workloads = {
  snowflake(q) {
    const ids = new q.Snowflake({ machineId: 5 }).fill(new BigUint64Array(10_000));
    return {
      increasing: ids.every((id, i) => i === 0 || id > ids[i - 1]),
      machineId: q.Snowflake.decode(ids[9_999]).machineId,
      discord: q.Snowflake.decode('175928847299117063', { layout: 'discord' }).timestamp,
    };
  },

  bloom(q, bloomBytes) {
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
    return bloom;
  },

  ring(q) {
    const ring = new q.HashRing({ hash: 'ketama' });
    ring.addMany(RING_SERVERS);
    const owners = ring.getMany(RING_KEYS);
    ring.free();
    return { crc32: q.crc32('123456789'), xxh64: q.xxh64('').toString(16), owners };
  },

  raft(q) {
    // Three nodes in one process, with an in-memory network; node 1 campaigns and
    // proposes, and the client sessions apply the committed puts once each.
    const nodes = new Map([1, 2, 3].map((id) => [id, new q.RaftNode({ id, peers: [1, 2, 3] })]));
    const committed = [];
    const pump = () => {
      for (let busy = true; busy; ) {
        busy = false;
        for (const [id, n] of nodes) {
          const rd = n.ready();
          if (!rd) continue;
          busy = true;
          for (const m of rd.messages) nodes.get(m.to).step(m.bytes);
          if (id === 1) committed.push(...rd.committed.filter((e) => e.data.length));
          n.advance();
        }
      }
    };
    nodes.get(1).campaign();
    pump();
    for (const put of ['register', 'x=1', 'x=1']) nodes.get(1).propose(put);
    pump();
    const sessions = new q.ClientSessions();
    const kv = new Map();
    const [reg, ...puts] = committed;
    const client = sessions.register(reg.index);
    const results = puts.map((e) => sessions.apply(client, 1, e.index, () => (kv.set('x', e.text), 'ok')).status);
    const out = { leader: nodes.get(2).leader, committed: committed.map((e) => e.text), results };
    for (const n of nodes.values()) n.free();
    return out;
  },

  'raft-sim'(q) {
    const c = new q.RaftCluster({ nodes: 5, seed: 7, dropRate: 0.05 });
    c.advance(1000);
    const first = c.state().leader;
    c.crash(first);
    c.advance(1000);
    const second = c.state().leader;
    c.propose('hello');
    c.advance(500);
    const out = { first, second, now: c.now, violations: c.violations().length, historyHash: c.historyHash.toString(16) };
    c.free();
    return out;
  },
};

/** Runs the workload of `subpath` on `q` (the subpath's module, or the root). */
export function runSubpath(subpath, q, bloomBytes) {
  return { version: q.version(), exports: Object.keys(q).sort(), result: workloads[subpath](q, bloomBytes) };
}

/** Runs every subpath's workload on the root module `q`. */
export function run(q, bloomBytes) {
  return {
    version: q.version(),
    ...Object.fromEntries(SUBPATHS.map((s) => [s, workloads[s](q, bloomBytes)])),
  };
}

/**
 * Whether each subpath module's exports are the root's own values (the same
 * classes and functions, but `version`, `init` and `initSync`, which each entry
 * has). `subpaths` maps a subpath to its imported module.
 */
export function sameAsRoot(root, subpaths) {
  return Object.fromEntries(
    Object.entries(subpaths).map(([s, m]) => [s, Object.keys(m).every((k) => OWN.includes(k) || m[k] === root[k])]),
  );
}
