// raft-kv under a nemesis, checked as Jepsen checks a database: concurrent clients
// put and get a few keys while the leader's worker is killed (no clean shutdown) and
// restarted again and again; every operation's invocation and completion time is
// recorded, and each key's history must be linearizable as a register, with every put
// whose outcome the client never learned counted as possibly applied, at any time after
// its call. Retries after a lost reply must not apply a write twice, acknowledged writes
// must survive, and reads must not be stale. Some puts also go to keys written once and
// never again: at the end every replica must hold each one that was acknowledged (none
// lost) and none that was never written.
//
//   node --test tests/examples/raft-kv-history.test.mjs       about 20 s: 5 clients, 3 keys
//   QUORUMKIT_LONG=1 node --test tests/examples/raft-kv-history.test.mjs
//                                                             3 minutes: 10 clients, 8 keys
//   RAFT_KV_SECONDS=600 …                                     any length
//   RAFT_KV_WRITES=10000 …                                    until that many puts are
//                                                             acknowledged (10 clients, 8 keys)
//
// Figures (operations, acknowledged, kills, leaders, the longest time in which no
// operation completed, keys linearizable, write-once keys lost) are printed as test
// diagnostics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Cluster, sleep } from '../../examples/raft-kv/cluster.mjs';
import { checkKv, describeFailure } from './linearizability.mjs';

const WRITES = Number(process.env.RAFT_KV_WRITES ?? 0);
const LONG = process.env.QUORUMKIT_LONG === '1' || WRITES > 0;
const SECONDS = Number(process.env.RAFT_KV_SECONDS ?? (LONG ? 180 : 20));
const CLIENTS = LONG ? 10 : 5;
const KEYS = Array.from({ length: LONG ? 8 : 3 }, (_, i) => `k${i}`);
/** The nemesis kills the leader about this often (jittered by ±25 %). */
const KILL_EVERY_MS = 2_000;
/** A killed worker stays down this long before it restarts from its file. */
const DOWN_MS = 400;
/**
 * A client gives up on an operation after a time drawn from this range. A put is retried
 * meanwhile whenever its node does not answer within a second, so around each kill the
 * patient ones are retried and the others end with an unknown outcome.
 */
const OP_TIMEOUT_MS = [400, 3_000];

/** A small seeded generator (xorshift32): the clients' choices, not the timing, replay. */
function rng(seed) {
  let s = seed >>> 0 || 1;
  return (n) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
}

/**
 * One client: one operation at a time until `running()` says stop: 2 in 5 are gets of a
 * shared key, 2 in 5 puts to one, 1 in 5 a put to a key of its own written once
 * (`w<client>.<n>`); every put writes a unique value.
 */
async function runClient(cluster, c, running, history, figures) {
  const client = cluster.client();
  const pick = rng(0x9e3779b9 * (c + 1));
  for (let n = 1; running(); n++) {
    const what = pick(5);
    const key = what === 4 ? `w${c}.${n}` : KEYS[pick(KEYS.length)];
    const live = cluster.ids.filter((id) => cluster.workers.has(id));
    const timeoutMs = OP_TIMEOUT_MS[0] + pick(OP_TIMEOUT_MS[1] - OP_TIMEOUT_MS[0]);
    const op = { client: c, key, kind: what < 2 ? 'get' : 'put', once: what === 4, value: null, call: performance.now() };
    try {
      if (op.kind === 'put') {
        op.value = `${c}.${n}`;
        await client.put(key, op.value, { timeoutMs });
      } else {
        // Through any live node: a follower forwards the read to the leader.
        op.value = await client.get(key, { via: live[pick(live.length)], timeoutMs });
      }
      op.ret = performance.now();
      op.known = true;
      if (op.kind === 'put') figures.ackedPuts++;
    } catch {
      // No answer in time: the outcome is unknown (a put may still apply, later).
      op.ret = Infinity;
      op.known = false;
    }
    history.push(op);
  }
}

/** Kills the leader every KILL_EVERY_MS or so and restarts it DOWN_MS later. */
async function runNemesis(cluster, running, figures) {
  const pick = rng(20240611);
  while (running()) {
    await sleep(KILL_EVERY_MS * (0.75 + pick(51) / 100) - DOWN_MS);
    if (!running()) break;
    const l = await cluster.leader();
    if (!l) continue;
    figures.terms.add(l.term);
    await cluster.kill(l.id);
    figures.kills++;
    await sleep(DOWN_MS);
    await cluster.start(l.id);
  }
}

/** The longest time in the run in which no operation completed. */
function longestGap(history, from, to) {
  const done = history.filter((o) => o.known).map((o) => o.ret).sort((a, b) => a - b);
  let gap = 0;
  let last = from;
  for (const t of [...done, to]) {
    gap = Math.max(gap, t - last);
    last = t;
  }
  return gap;
}

const LENGTH = WRITES > 0 ? `until ${WRITES} puts are acknowledged` : `for ${SECONDS} s`;

test(`raft-kv: ${CLIENTS} clients on ${KEYS.length} keys ${LENGTH} while the leader is killed every ~${KILL_EVERY_MS / 1000} s: every key's history is linearizable, no acknowledged write lost`, {
  // A test timeout, not a measure: writes are allowed 200 ms each at worst.
  timeout: (WRITES > 0 ? WRITES * 200 : SECONDS * 1000) + 180_000,
}, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'raft-kv-history-'));
  const cluster = new Cluster({ dir });
  const history = [];
  const figures = { kills: 0, terms: new Set(), ackedPuts: 0 };
  try {
    await cluster.startAll();
    figures.terms.add((await cluster.waitForLeader()).term);
    const t0 = performance.now();
    const until = t0 + SECONDS * 1000;
    const running = WRITES > 0
      ? () => figures.ackedPuts < WRITES
      : () => performance.now() < until;
    await Promise.all([
      runNemesis(cluster, running, figures),
      ...Array.from({ length: CLIENTS }, (_, c) => runClient(cluster, c, running, history, figures)),
    ]);
    const tEnd = performance.now();

    // Healed: every node up. Each key is then read and written once more, which must
    // succeed (progress after the last fault), and read again; all of it in the history.
    for (const id of cluster.ids) if (!cluster.workers.has(id)) await cluster.start(id);
    const last = await cluster.waitForLeader({ timeoutMs: 30_000 });
    figures.terms.add(last.term);
    const client = cluster.client();
    for (const key of KEYS) {
      for (const kind of ['get', 'put', 'get']) {
        const op = { client: CLIENTS, key, kind, value: kind === 'put' ? `final.${key}` : null, call: performance.now() };
        if (kind === 'put') await client.put(key, op.value, { timeoutMs: 30_000 });
        else op.value = await client.get(key, { timeoutMs: 30_000 });
        op.ret = performance.now();
        op.known = true;
        history.push(op);
      }
    }

    // The replicas end identical once each has applied everything committed.
    const commit = (await cluster.waitForLeader({ timeoutMs: 30_000 })).commit;
    const states = [];
    for (const id of cluster.ids) {
      const deadline = performance.now() + 30_000;
      let s = await cluster.status(id);
      while (!(s && s.applied >= commit) && performance.now() < deadline) {
        await sleep(50);
        s = await cluster.status(id);
      }
      assert.ok(s && s.applied >= commit, `node ${id} applied ${s?.applied} of ${commit}`);
      states.push(s);
    }

    const puts = history.filter((o) => o.kind === 'put');
    const result = checkKv(history.filter((o) => !o.once));
    // Write-once keys: each acknowledged put is on the replicas with its value (not lost);
    // an unknown one may be there or not; no write-once key holds anything not written.
    const kv = states[0].kv;
    const once = history.filter((o) => o.once);
    const lost = once.filter((o) => o.known && kv[o.key] !== o.value);
    const written = new Map(once.map((o) => [o.key, o.value]));
    const phantoms = Object.keys(kv).filter((k) => /^w\d+\./.test(k) && written.get(k) !== kv[k]);
    const unknownOnce = once.filter((o) => !o.known);
    const figuresLine = [
      `${history.length} operations (${puts.length} puts, ${history.length - puts.length} gets)`,
      `${history.filter((o) => o.known).length} acknowledged (${figures.ackedPuts} puts), ${history.filter((o) => !o.known).length} unknown`,
      `${once.length - unknownOnce.length} write-once puts acknowledged, ${lost.length} lost; `
        + `${unknownOnce.filter((o) => kv[o.key] === o.value).length} of ${unknownOnce.length} unknown ones applied`,
      `${figures.kills} kills`,
      `${figures.terms.size} leaders seen (terms ${Math.min(...figures.terms)}..${Math.max(...figures.terms)})`,
      `max unavailability ${Math.round(longestGap(history, t0, tEnd))} ms (no operation completed)`,
      `${result.linearizable} of ${result.keys} keys linearizable`,
    ].join('; ');
    t.diagnostic(figuresLine);

    assert.ok(figures.kills >= Math.min(3, Math.floor(SECONDS / 4)), `the nemesis killed the leader ${figures.kills} times`);
    assert.ok(puts.filter((o) => o.known).length > 0 && history.some((o) => o.kind === 'get' && o.known && o.value !== null));
    for (const s of states) {
      assert.deepEqual(s.kv, states[0].kv, `node ${s.id} ends with the same map as node ${states[0].id}`);
      assert.deepEqual(s.sessions, states[0].sessions, `node ${s.id} ends with the same sessions as node ${states[0].id}`);
    }
    assert.equal(result.failures.length, 0, `${figuresLine}\n${result.failures.map((f) => describeFailure(f, t0)).join('\n')}`);
    assert.ok(once.some((o) => o.known), 'some write-once puts were acknowledged');
    assert.deepEqual(lost.map((o) => `${o.key}=${o.value}`), [], `${figuresLine}: acknowledged writes lost`);
    assert.deepEqual(phantoms, [], 'write-once keys hold only what was written to them');
  } finally {
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
