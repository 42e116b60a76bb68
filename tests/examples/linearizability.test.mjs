// The register linearizability checker that the raft-kv history test relies on:
// hand-made histories with known answers, then random small histories against the
// definition itself (every order that respects real time, at factorial cost).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkKv, checkRegister, checkRegisterStretches } from './linearizability.mjs';

const put = (value, call, ret, key = 'k') => ({ key, kind: 'put', value, call, ret, known: true });
const get = (value, call, ret, key = 'k') => ({ key, kind: 'get', value, call, ret, known: true });
const unknown = (op) => ({ ...op, ret: Infinity, known: false });

test('sequential and overlapping histories are linearizable', () => {
  assert.ok(checkRegister([]));
  assert.ok(checkRegister([get(null, 0, 1), put(1, 2, 3), get(1, 4, 5), put(2, 6, 7), get(2, 8, 9)]));
  // A get that overlaps a put may see either value.
  assert.ok(checkRegister([put(1, 0, 10), get(1, 2, 3)]));
  assert.ok(checkRegister([put(1, 0, 10), get(null, 2, 3)]));
  // Two overlapping puts, read in either order by later gets... but only one order.
  assert.ok(checkRegister([put(1, 0, 10), put(2, 0, 10), get(2, 11, 12), get(2, 13, 14)]));
  assert.ok(!checkRegister([put(1, 0, 10), put(2, 0, 10), get(2, 11, 12), get(1, 13, 14)]));
});

test('a stale read, a value from nowhere and a lost write are not linearizable', () => {
  assert.ok(!checkRegister([put(1, 0, 1), get(null, 2, 3)]));
  assert.ok(!checkRegister([get(7, 0, 1)]));
  assert.ok(!checkRegister([put(1, 0, 1), put(2, 2, 3), get(1, 4, 5)]));
});

test('a write that takes effect twice is not linearizable once its first effect was seen', () => {
  // Put 1 lands, is read, is overwritten by put 2 (read back), then lands again.
  const h = [put(1, 0, 100), get(1, 10, 11), put(2, 20, 21), get(2, 30, 31), get(1, 110, 111)];
  assert.ok(!checkRegister(h));
  // Without the read that saw its first effect, one late effect explains it all.
  assert.ok(checkRegister([h[0], h[2], h[3], h[4]]));
});

test('unknown outcomes: a put may take effect at any time after its call, or never', () => {
  assert.ok(checkRegister([unknown(put(1, 0)), get(null, 5, 6), get(1, 7, 8)]));
  assert.ok(checkRegister([unknown(put(1, 0)), get(null, 5, 6), put(2, 7, 8), get(2, 9, 10)]));
  // ...but not before its call, and only once.
  assert.ok(!checkRegister([get(1, 0, 1), unknown(put(1, 2))]));
  assert.ok(!checkRegister([unknown(put(1, 0)), get(1, 5, 6), put(2, 7, 8), get(2, 9, 10), get(1, 11, 12)]));
  // checkKv leaves out gets of unknown outcome.
  assert.equal(checkKv([put(1, 0, 1), unknown(get(9, 2))]).linearizable, 1);
});

test('quiescent points cut the history; unknown puts carry across the cuts', () => {
  // Three stretches: [0, 10], [20, 30], [40, 50]; the unknown put from the first may take
  // effect in the second, or never.
  const first = [unknown(put(1, 0)), put(2, 0, 10), get(2, 5, 6)];
  assert.ok(checkRegister([...first, get(1, 20, 30), get(1, 40, 50)]));
  assert.ok(checkRegister([...first, get(2, 20, 30), get(1, 40, 50)]));
  assert.ok(!checkRegister([...first, get(1, 20, 30), get(2, 40, 50)]));
  // A stretch may end in several states; a later one picks among them.
  const two = [put(1, 0, 10), put(2, 0, 10)];
  assert.ok(checkRegister([...two, get(1, 20, 21), get(1, 30, 31)]));
  assert.ok(checkRegister([...two, get(2, 20, 21)]));
  // The failure names the stretch that no linearization gets through.
  const r = checkRegisterStretches([...two, get(1, 20, 21), put(3, 25, 26), get(3, 27, 28), get(2, 30, 40), get(3, 50, 51)]);
  assert.equal(r.ok, false);
  assert.deepEqual(r.stretch.map((o) => o.value), [2]);
});

test('checkKv checks each key on its own and names the bad one', () => {
  const h = [put(1, 0, 1, 'a'), put(2, 0, 1, 'b'), get(1, 2, 3, 'a'), get(null, 2, 3, 'b'), get(2, 2, 3, 'c')];
  const r = checkKv(h);
  assert.equal(r.keys, 3);
  assert.equal(r.linearizable, 1);
  assert.deepEqual(r.failures.map((f) => f.key).sort(), ['b', 'c']);
});

test('many concurrent unknown puts that nobody observed cost nothing', () => {
  const h = [];
  for (let i = 1; i <= 60; i++) h.push(unknown(put(1000 + i, i)));
  for (let i = 1; i <= 200; i++) {
    h.push(put(i, 100 + 10 * i, 105 + 10 * i));
    h.push(get(i, 106 + 10 * i, 108 + 10 * i));
  }
  assert.equal(checkKv(h).linearizable, 1);
  h.push(get(150, 5000, 5001)); // 150 came back after 200 was read
  assert.equal(checkKv(h).linearizable, 0);
});

/** The definition: some order respecting real time runs through the register. */
function bruteForce(ops) {
  const used = ops.map(() => false);
  const go = (state, left) => {
    if (left === 0) return true;
    for (let i = 0; i < ops.length; i++) {
      if (used[i]) continue;
      // An unknown put may also never take effect: drop it.
      if (!ops[i].known) {
        used[i] = true;
        if (go(state, left - 1)) return true;
        used[i] = false;
      }
      const blocked = ops.some((o, j) => j !== i && !used[j] && o.known && o.ret < ops[i].call);
      if (blocked) continue;
      if (ops[i].kind === 'get' && ops[i].value !== state) continue;
      used[i] = true;
      if (go(ops[i].kind === 'put' ? ops[i].value : state, left - 1)) return true;
      used[i] = false;
    }
    return false;
  };
  return go(null, ops.length);
}

test('agrees with the definition on 40,000 random small histories', () => {
  let seed = 0x2545f491;
  const rand = (n) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  let yes = 0;
  for (let c = 0; c < 40_000; c++) {
    const ops = [];
    const count = rand(7);
    // Half of them spread out, so that they have quiescent points to cut at.
    const span = c % 2 === 0 ? 20 : 60;
    for (let i = 0; i < count; i++) {
      const call = rand(span);
      const ret = call + rand(10);
      // Values repeat on purpose: the checker must not rely on them being unique.
      const op = rand(2) === 0 ? put(1 + rand(3), call, ret) : get(rand(4) === 0 ? null : 1 + rand(3), call, ret);
      ops.push(op.kind === 'put' && rand(5) === 0 ? unknown(op) : op);
    }
    const want = bruteForce(ops);
    assert.equal(checkRegister(ops), want, JSON.stringify(ops));
    assert.equal(checkKv(ops).failures.length === 0, want, JSON.stringify(ops)); // unseen unknown puts left out
    if (want) yes++;
  }
  // Both answers occur often enough for the comparison to mean something.
  assert.ok(yes > 4_000 && yes < 36_000, `${yes} linearizable`);
});
