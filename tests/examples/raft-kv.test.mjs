// The raft-kv example in CI: three worker threads replicate a key-value store; the
// leader's worker is killed, a new leader continues with no committed write lost, and
// the killed worker restarts from its log file and catches up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, sleep } from '../../examples/raft-kv/cluster.mjs';

async function caughtUp(cluster, id, want) {
  const end = Date.now() + 10_000;
  for (;;) {
    const s = await cluster.status(id);
    if (s && Object.keys(s.kv).length >= Object.keys(want).length && s.applied > 0) {
      if (JSON.stringify(Object.entries(s.kv).sort()) === JSON.stringify(Object.entries(want).sort())) return s;
    }
    assert.ok(Date.now() < end, `node ${id} did not catch up: ${JSON.stringify(s)}`);
    await sleep(25);
  }
}

test('raft-kv: kill the leader, nothing committed is lost, the killed node restarts from its file', { timeout: 30_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'raft-kv-test-'));
  const cluster = new Cluster({ dir });
  try {
    const restored = await cluster.startAll();
    assert.deepEqual(restored.map((r) => r.entries), [0, 0, 0]);
    const first = await cluster.waitForLeader();
    const committed = {};
    const indices = await Promise.all(
      Array.from({ length: 20 }, (_, i) => cluster.put(`k${i}`, `v${i}`).then((index) => ((committed[`k${i}`] = `v${i}`), index))),
    );
    assert.equal(new Set(indices).size, 20, 'every write got its own log entry');

    // Kill the leader: its worker stops at once.
    await cluster.kill(first.id);
    const second = await cluster.waitForLeader({ not: first.id });
    assert.notEqual(second.id, first.id);
    assert.ok(second.term > first.term);
    // New writes commit under the new leader...
    for (let i = 20; i < 25; i++) {
      await cluster.put(`k${i}`, `v${i}`);
      committed[`k${i}`] = `v${i}`;
    }
    // ...and once the new leader applied them, every earlier committed write is there too.
    const s2 = await cluster.status(second.id);
    assert.deepEqual(s2.kv, committed);
    // Linearizable reads through each live node (a follower forwards to the leader) see
    // every completed write.
    for (const via of cluster.ids.filter((id) => id !== first.id)) {
      assert.equal(await cluster.get('k3', { via }), 'v3');
      assert.equal(await cluster.get('k24', { via }), 'v24');
      assert.equal(await cluster.get('missing', { via }), null);
    }

    // Restart the killed worker from its file (with a torn record at its end, as a crash
    // in the middle of a write leaves): it restores its log and catches up.
    const file = join(dir, `node-${first.id}.wal`);
    const size = statSync(file).size;
    assert.ok(size > 0);
    appendFileSync(file, Buffer.from([2, 0xff, 0, 0, 0, 1]));
    const back = await cluster.start(first.id);
    assert.ok(back.entries >= 20, `restored ${back.entries} entries`);
    assert.ok(back.term >= first.term);
    assert.equal(statSync(file).size >= size, true);
    await caughtUp(cluster, first.id, committed);

    // The restarted node is a full member again: kill the second leader, and the
    // restarted node and the third elect a leader that still has everything.
    await cluster.kill(second.id);
    const third = await cluster.waitForLeader({ not: second.id });
    await cluster.put('after', 'both-kills');
    committed.after = 'both-kills';
    await caughtUp(cluster, third.id, committed);
  } finally {
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
