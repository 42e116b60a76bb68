// A key-value store replicated by Raft across three worker threads:
//
//   node examples/raft-kv/main.mjs [dir]
//
// writes keys, kills the leader's worker, keeps writing under the new leader, then
// restarts the killed worker from its log file and watches it catch up.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, sleep } from './cluster.mjs';

const dir = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'raft-kv-'));
console.log(`logs in ${dir}`);
const cluster = new Cluster({ dir });
const restored = await cluster.startAll();
console.log('started; restored entries per node:', restored.map((r) => r.entries));

const first = await cluster.waitForLeader();
console.log(`node ${first.id} leads term ${first.term}`);
for (let i = 0; i < 5; i++) console.log(`put k${i} -> index`, await cluster.put(`k${i}`, `v${i}`));

console.log(`killing node ${first.id} (the leader)`);
await cluster.kill(first.id);
const second = await cluster.waitForLeader({ not: first.id });
console.log(`node ${second.id} leads term ${second.term}`);
for (let i = 5; i < 10; i++) console.log(`put k${i} -> index`, await cluster.put(`k${i}`, `v${i}`));
console.log('get k2 (linearizable, through a follower):', await cluster.get('k2', { via: cluster.ids.find((id) => id !== first.id && id !== second.id) }));

console.log(`restarting node ${first.id} from its log`);
console.log('restored', await cluster.start(first.id));
const leaderNow = await cluster.waitForLeader();
for (;;) {
  const s = await cluster.status(first.id);
  if (s && s.applied >= leaderNow.commit) {
    console.log(`node ${first.id} caught up: applied ${s.applied}`, s.kv);
    break;
  }
  await sleep(50);
}
await cluster.close();
