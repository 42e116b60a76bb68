// Raft: committed proposals per second, in wasm from Node, next to the same
// workload natively and in raft-rs 0.7, all measured in this run; then what
// one state() snapshot costs, the call a visualizer makes every frame.
//
// Throughput workload (src/raft/loopback.rs, one loop for all three): 3 or 5
// nodes in one thread, in-memory storage, instant delivery; each round the
// leader proposes 1 or 64 payloads of 16 bytes; the count is the entries the
// leader applies. The wasm figure runs that loop inside wasm (RawRaftLoopback,
// from the simulator's module built with the benchmark-only `bench-loopback`
// feature: the package leaves it out) for N proposals per call; the native and raft-rs figures come from
// bench/raft-rs-compare (built with cargo on first use). The "RaftNode from
// JS" column is what an application gets: the same workload driven from
// JavaScript through the public API, tick/propose/ready/step/advance, every
// message crossing the boundary as bytes. Rates are per second of CPU time,
// best of several runs, so that other load on the machine distorts them less
// than wall time would.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { RaftCluster, RaftNode } from 'quorumkit';
import * as simRaw from '../pkg/dist/raw/raft-sim.js';
import { SIM_STATE_HEADER, SIM_NODE_FIELDS, SIM_FLIGHT_FIELDS, SIM_ENTRY_FIELDS } from '../pkg/dist/raw/layout.js';
import { root } from '../scripts/lib.mjs';
import { benchLoopback } from '../scripts/build.mjs';
import { compare } from './harness.mjs';

const QUICK = process.env.BENCH_QUICK === '1';
const PROPOSALS = QUICK ? 20_000 : 200_000;
const REPS = QUICK ? 3 : 7;
const WORKLOADS = [[3, 1], [3, 64], [5, 1], [5, 64]];

/** CPU seconds of this process. */
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

let raw;

/** One timed wasm run of PROPOSALS on a fresh loopback cluster: proposals/s of CPU time. */
function wasmRate(nodes, perRound) {
  const l = new raw.RawRaftLoopback(nodes);
  const t = cpu();
  const applied = l.run(PROPOSALS, perRound);
  const secs = cpu() - t;
  l.free();
  if (applied !== PROPOSALS) throw new Error(`applied ${applied} of ${PROPOSALS}`);
  return applied / secs;
}

/**
 * One timed run of `proposals` through RaftNode objects driven from JS: messages
 * cross as bytes, delivered at once; the count is what the leader applies.
 */
function jsRate(nodes, perRound, proposals) {
  const ids = Array.from({ length: nodes }, (_, i) => i + 1);
  const cluster = new Map(ids.map((id) => [id, new RaftNode({ id, peers: ids, seed: id })]));
  const leader = cluster.get(1);
  let applied = 0;
  const pump = () => {
    for (let busy = true; busy; ) {
      busy = false;
      for (const [id, n] of cluster) {
        const rd = n.ready();
        if (rd === null) continue;
        busy = true;
        for (const m of rd.messages) cluster.get(m.to).step(m.bytes);
        if (id === 1) for (const e of rd.committed) if (e.data.length > 0) applied++;
        n.advance();
      }
    }
  };
  leader.campaign();
  pump();
  if (leader.role !== 'leader') throw new Error('node 1 did not win');
  const payload = new Uint8Array(16);
  const t = cpu();
  for (let proposed = 0; applied < proposals; ) {
    for (let k = 0; k < perRound && proposed < proposals; k++, proposed++) leader.propose(payload);
    pump();
  }
  const secs = cpu() - t;
  for (const n of cluster.values()) n.free();
  return applied / secs;
}

/**
 * One native run of every workload, ours and raft-rs, by "nodes/perRound"; null if
 * the crate does not build or run. The first call builds it with cargo.
 */
function nativeRates(bin) {
  const r = spawnSync(
    bin ?? 'cargo',
    [...(bin ? [] : ['run', '--release', '--quiet', '--manifest-path', MANIFEST, '--']), '--json', '--reps=1', `--proposals=${PROPOSALS}`],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (r.status !== 0) return null;
  const rates = new Map();
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const j = JSON.parse(line);
    rates.set(`${j.nodes}/${j.perRound}`, j);
  }
  return rates;
}

const MANIFEST = join(root, 'bench', 'raft-rs-compare', 'Cargo.toml');
const BIN = join(root, 'bench', 'raft-rs-compare', 'target', 'release', 'raft-rs-compare');
const m = (x) => `${(x / 1e6).toFixed(2)} M/s`;

async function throughput() {
  // Native and wasm runs alternate, REPS rounds, and each column keeps its best, so
  // that a burst of load elsewhere on the machine hits all columns alike.
  raw ??= await benchLoopback();
  const best = new Map(WORKLOADS.map(([n, k]) => [`${n}/${k}`, { js: 0, wasm: 0, quorumkit: 0, raftRs: 0 }]));
  for (const [n, k] of WORKLOADS) new raw.RawRaftLoopback(n).run(5_000, k); // warm up the engine
  let native = true;
  for (let r = 0; r < REPS; r++) {
    if (native) {
      const rates = nativeRates(r === 0 ? undefined : BIN);
      if (rates === null) {
        console.log('(bench/raft-rs-compare did not build or run: the native and raft-rs columns are left out)');
        native = false;
      }
      for (const [key, j] of rates ?? []) {
        const b = best.get(key);
        b.quorumkit = Math.max(b.quorumkit, j.quorumkit);
        b.raftRs = Math.max(b.raftRs, j.raftRs);
      }
    }
    for (const [n, k] of WORKLOADS) {
      const b = best.get(`${n}/${k}`);
      b.wasm = Math.max(b.wasm, wasmRate(n, k));
      b.js = Math.max(b.js, jsRate(n, k, PROPOSALS / 4));
    }
  }
  console.log(`\n## Raft: committed proposals/s of CPU time (${PROPOSALS} proposals, best of ${REPS})`);
  console.log('| workload | RaftNode from JS | loop in wasm (Node) | native | raft-rs 0.7 (native) | JS × raft-rs | wasm × native | native × raft-rs |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const [key, b] of best) {
    const [n, k] = key.split('/');
    const cols = native
      ? [m(b.js), m(b.wasm), m(b.quorumkit), m(b.raftRs), (b.js / b.raftRs).toFixed(2), (b.wasm / b.quorumkit).toFixed(2), (b.quorumkit / b.raftRs).toFixed(2)]
      : [m(b.js), m(b.wasm), '–', '–', '–', '–', '–'];
    console.log(`| ${n} nodes, ${k}/round | ${cols.join(' | ')} |`);
  }
}

/**
 * A cluster with long logs and traffic in flight: `entries` proposals committed
 * on 5 nodes, then a proposal and some heartbeats on the wire.
 */
function busyCluster(entries) {
  const c = new RaftCluster({ nodes: 5, seed: 1, heartbeat: 20 });
  c.advance(1_000);
  for (let i = 0; i < entries; i++) {
    c.propose(`set key${i} = ${i}`);
    if (i % 64 === 63) c.advance(50);
  }
  c.advance(500);
  c.propose('in flight');
  c.advance(3);
  return c;
}

/** The same cluster through the raw layer (for the non-incremental contender). */
function busyRaw(entries, memory) {
  const rc = new simRaw.RawRaftCluster(5, 1n, undefined, 20);
  const enc = new TextEncoder();
  const propose = (text) => {
    const ptr = simRaw.key_buffer_reserve(text.length * 3);
    rc.propose(enc.encodeInto(text, new Uint8Array(memory.buffer, ptr, text.length * 3)).written);
  };
  rc.advance(1_000);
  for (let i = 0; i < entries; i++) {
    propose(`set key${i} = ${i}`);
    if (i % 64 === 63) rc.advance(50);
  }
  rc.advance(500);
  propose('in flight');
  rc.advance(3);
  return rc;
}

async function frames() {
  const ENTRIES = QUICK ? 200 : 1_000;
  const c = busyCluster(ENTRIES);
  const s = c.state();
  const logs = s.nodes.reduce((a, n) => a + n.log.length, 0);
  // The same world through the raw layer, every log re-sent and decoded
  // whole on every call: what a boundary without incremental logs does.
  const { memory } = (await import('../pkg/dist/bind/raft-sim.js')).wasm();
  const rc = busyRaw(ENTRIES, memory);
  let sink = 0;
  await compare(`Raft state() per frame: 5 nodes, ${logs} log entries in all, ${s.messages.length} messages in flight`, [
    { name: 'state() (incremental logs)', ops: 1, fn: () => { sink += c.state().nodes.length; } },
    {
      name: 'whole world re-sent and decoded',
      ops: 1,
      fn: () => {
        const len = rc.state(true);
        const f = new Float64Array(memory.buffer, rc.nums_ptr(), len);
        const bytes = new Uint8Array(memory.buffer);
        const bp = rc.bytes_ptr();
        const n = f[1];
        let e = SIM_STATE_HEADER + n * SIM_NODE_FIELDS + f[2] * SIM_FLIGHT_FIELDS;
        let start = 0;
        const nodes = [];
        for (let i = 0; i < n; i++) {
          const at = SIM_STATE_HEADER + i * SIM_NODE_FIELDS;
          const log = [];
          for (let k = 0; k < f[at + 11]; k++, e += SIM_ENTRY_FIELDS) {
            log.push({ index: f[e], term: f[e + 1], data: bytes.slice(bp + start, bp + f[e + 2]) });
            start = f[e + 2];
          }
          nodes.push({ term: f[at + 2], commit: f[at + 5], log });
        }
        sink += nodes.length;
      },
    },
  ], { reference: 'whole world re-sent and decoded', unit: 'calls/s' });
  const cursor = c.eventCount;
  c.advance(16);
  await compare('Raft events(cursor) per frame: one 16 ms frame of a busy 5-node cluster', [
    { name: 'events(cursor)', ops: 1, fn: () => { sink += c.events(cursor).length; } },
  ], { unit: 'calls/s' });
  if (sink === 0.5) console.log(sink);
  rc.free();
  c.free();
}

export async function run() {
  await throughput();
  await frames();
}
