// node:test tier for free(): every class that owns wasm memory, against the
// built package imported by name, as a user would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  HashRing,
  BoundedLoadRing,
  Rendezvous,
  Maglev,
  BloomFilter,
  CountingBloomFilter,
  ScalableBloomFilter,
  SplitBlockBloomFilter,
  BlockedBloomFilter,
  RaftCluster,
  RaftNode,
  Snowflake,
} from 'quorumkit';

// Each class with a constructor and one method that reaches its wasm object.
const CLASSES = [
  ['HashRing', () => new HashRing().add('a'), (x) => x.get('k')],
  ['BoundedLoadRing', () => new BoundedLoadRing().add('a'), (x) => x.assign('k')],
  ['Rendezvous', () => new Rendezvous().add('a'), (x) => x.get('k')],
  ['Maglev', () => new Maglev().add('a'), (x) => x.get('k')],
  ['BloomFilter', () => BloomFilter.withRate(100, 0.01), (x) => x.has('k')],
  ['CountingBloomFilter', () => CountingBloomFilter.withRate(100, 0.01), (x) => x.has('k')],
  ['ScalableBloomFilter', () => new ScalableBloomFilter(100, 0.01), (x) => x.has('k')],
  ['SplitBlockBloomFilter', () => SplitBlockBloomFilter.withRate(100, 0.01), (x) => x.has('k')],
  ['BlockedBloomFilter', () => BlockedBloomFilter.withRate(100, 0.01), (x) => x.has('k')],
  ['RaftCluster', () => new RaftCluster({ nodes: 3, seed: 1 }), (x) => x.advance(10)],
  ['RaftNode', () => new RaftNode({ id: 1, peers: [1, 2, 3] }), (x) => x.tick()],
  ['Snowflake', () => new Snowflake({ machineId: 1 }), (x) => x.next()],
];

test('every class: a call after free() throws "<Class> was freed; create a new one"', () => {
  for (const [name, make, use] of CLASSES) {
    const x = make();
    use(x);
    x.free();
    assert.throws(
      () => use(x),
      (e) => e instanceof Error && e.message === `${name} was freed; create a new one`,
      name,
    );
  }
});

test('every class: free() twice is harmless, and Symbol.dispose frees', () => {
  for (const [name, make, use] of CLASSES) {
    const x = make();
    x.free();
    x.free();
    const y = make();
    y[Symbol.dispose]();
    assert.throws(() => use(y), new RegExp(`^Error: ${name} was freed`), name);
  }
});
