// Type-checked with `tsc --noEmit` against the packed package's .d.ts.
import { crc32, crc32Many, xxh64, xxh3, version, type Key } from 'quorumkit';

const key: Key = new Uint8Array([1, 2, 3]);
const a: number = crc32('user:1') + crc32(key);
const many: Uint32Array = crc32Many(['a', key]);
const h: bigint = xxh64('a', 7n) ^ xxh3('b');
const v: string = version();
console.log(a, many.length, h, v);

// @ts-expect-error numbers are not keys
crc32(42);

import { Snowflake, layouts, randomMachineId, type SnowflakeParts } from 'quorumkit';
const gen = new Snowflake({ machineId: randomMachineId(), layout: 'discord', onClockBackwards: 'wait' });
const id: bigint = gen.next();
const parts: SnowflakeParts = Snowflake.decode(id, { layout: layouts.discord });
const when: Date = parts.date;
const filled: BigUint64Array = gen.fill(new BigUint64Array(4));
gen.free();
console.log(when, filled.length, gen.nextString);
// Each preset's result is typed with its machine sub-fields.
const worker: number = Snowflake.decode(id, { layout: 'discord' }).workerId;
const dc: number = Snowflake.decode(id, { layout: 'twitter' }).datacenterId;
const shard: number = Snowflake.decode(id, { layout: 'instagram' }).shardId;
console.log(worker + dc + shard);
// @ts-expect-error discord IDs have no shardId
Snowflake.decode(id, { layout: 'discord' }).shardId;
// @ts-expect-error machineId is required
new Snowflake({});
// @ts-expect-error unknown policy
new Snowflake({ machineId: 1, onClockBackwards: 'skip' });

import { HashRing, BloomFilter, type RingHash } from 'quorumkit';
const mode: RingHash = 'ketama';
const ring = new HashRing({ hash: mode, vnodes: 160 });
ring.add('10.0.0.1:11211', { weight: 2 });
const owner: string = ring.get('user:1');
const owners: string[] = ring.getMany(['user:1', key]);
const replicas: string[] = ring.getN('user:1', 1);
ring.free();
const filter = BloomFilter.withRate(1000, 0.01);
filter.addMany(['alice', key]);
const hits: Uint8Array = filter.hasMany(['alice', 'bob']);
const shipped: BloomFilter = BloomFilter.fromBytes(filter.toBytes());
const present: boolean = shipped.has('alice');
console.log(owner, owners.length, replicas, hits, present);
// @ts-expect-error unknown hash mode
new HashRing({ hash: 'sha1' });
// @ts-expect-error weights are numbers
ring.add('b', { weight: '2' });

// Each subpath, typed, and its classes are the root's.
import { Snowflake as SubpathSnowflake, version as snowflakeVersion, type SnowflakeOptions } from 'quorumkit/snowflake';
import { BloomFilter as SubpathBloom, ScalableBloomFilter, type Key as BloomKey } from 'quorumkit/bloom';
import { HashRing as SubpathRing, Maglev, crc32 as ringCrc32, jumpHash, type RingHash as SubpathRingHash } from 'quorumkit/ring';
import { RaftNode, ClientSessions, type RaftReady, type RaftRole } from 'quorumkit/raft';
import { RaftCluster, type RaftClusterState } from 'quorumkit/raft-sim';

const sfOpts: SnowflakeOptions = { machineId: 3, layout: 'twitter' };
const sameSnowflake: typeof Snowflake = SubpathSnowflake;
const sfId: bigint = new SubpathSnowflake(sfOpts).next();
const sfv: string = snowflakeVersion();
const bk: BloomKey = 'k';
const sameBloom: typeof BloomFilter = SubpathBloom;
const scalable = new ScalableBloomFilter(100, 0.01);
const maybe: boolean = scalable.has(bk);
const sameRing: typeof HashRing = SubpathRing;
const subMode: SubpathRingHash = 'xxh3';
const slot: number = jumpHash('user:1', 10) + ringCrc32('x');
const table: Maglev = new Maglev();
const node = new RaftNode({ id: 1, peers: [1] });
const rd: RaftReady | null = node.ready();
const role: RaftRole = node.role;
const sessions = new ClientSessions();
const cluster = new RaftCluster({ nodes: 3, seed: 1 });
const state: RaftClusterState = cluster.state();
console.log(sameSnowflake, sfId, sfv, sameBloom, maybe, sameRing, subMode, slot, table, rd, role, sessions, state);

// @ts-expect-error the Snowflake subpath has no hash ring
import { HashRing as NotInSnowflake } from 'quorumkit/snowflake';
// @ts-expect-error RaftCluster is in quorumkit/raft-sim, not quorumkit/raft
import { RaftCluster as NotInRaft } from 'quorumkit/raft';
console.log(NotInSnowflake, NotInRaft);
