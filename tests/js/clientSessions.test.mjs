// node:test tier for ClientSessions (exactly-once client requests, Raft thesis §6.3),
// against the built package imported by name: the table alone, then on a RaftNode log
// where a retried request is committed twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClientSessions, RaftNode } from 'quorumkit';

test('§6.3 a request is applied once; its retry is answered from the record', () => {
  const s = new ClientSessions();
  const kv = new Map();
  const id = s.register(3);
  assert.equal(id, 3);
  let runs = 0;
  const set = (k, v, index) => () => (runs++, kv.set(k, v), index);
  assert.deepEqual(s.apply(id, 1, 4, set('x', 'a', 4)), { status: 'applied', reply: 4 });
  kv.set('x', 'b'); // another client's write
  assert.deepEqual(s.apply(id, 1, 6, set('x', 'a', 6)), { status: 'duplicate', reply: 4 });
  assert.equal(kv.get('x'), 'b');
  assert.equal(runs, 1);
  // The next request applies; the earlier one, arriving late, is stale and does nothing.
  assert.deepEqual(s.apply(id, 2, 7, set('y', 1, 7)), { status: 'applied', reply: 7 });
  assert.deepEqual(s.apply(id, 1, 8, set('x', 'a', 8)), { status: 'stale' });
  assert.equal(runs, 2);
  // A client may skip numbers (it gave up on a request): the higher one applies.
  assert.equal(s.apply(id, 5, 9, set('z', 1, 9)).status, 'applied');
  // Sessions are independent.
  const other = s.register(10);
  assert.equal(s.apply(other, 1, 11, () => 'o').status, 'applied');
  assert.equal(s.apply(id, 5, 12, () => 'again').reply, 9);
  assert.equal(s.size, 2);
  // An id that is no session: nothing runs.
  assert.deepEqual(s.apply(99, 1, 13, () => assert.fail('ran')), { status: 'expired' });
});

test('§6.3 sessions expire by log index, the same way on every replica', () => {
  const s = new ClientSessions({ expireAfter: 10 });
  assert.equal(s.expireAfter, 10);
  const a = s.register(1);
  const b = s.register(2);
  assert.equal(s.apply(a, 1, 5, () => 'a1').status, 'applied'); // a last used at 5, b at 2
  s.register(11); // index 11: nothing expires yet (b: 2 + 10 > 11)
  assert.ok(s.has(a) && s.has(b));
  s.register(12); // index 12: b (2 + 10 <= 12) expires; a (5 + 10 > 12) stays
  assert.ok(s.has(a) && !s.has(b) && s.has(11) && s.has(12));
  assert.deepEqual(s.apply(b, 1, 13, () => assert.fail('ran')), { status: 'expired' });
  // A duplicate counts as a use and keeps the session alive.
  assert.equal(s.apply(a, 1, 14, () => assert.fail('ran')).status, 'duplicate');
  assert.equal(s.apply(a, 2, 23, () => 'a2').status, 'applied');
  assert.ok(s.has(a));
  assert.equal(s.apply(a, 3, 33, () => 'a3').status, 'expired'); // 23 + 10 <= 33
  assert.equal(s.size, 0);
});

test('§6.3 a table restored from its snapshot decides every later entry identically', () => {
  // A random log of registrations and requests (with retries, late duplicates and
  // unknown ids), applied by one replica throughout and by another from a snapshot.
  let seed = 7;
  const rand = (n) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), (seed >>> 12) % n);
  const log = [];
  const ids = [];
  const seqs = new Map();
  for (let index = 1; index <= 3000; index++) {
    if (ids.length === 0 || rand(20) === 0) {
      log.push({ index, op: 'register' });
      ids.push(index);
      seqs.set(index, 0);
      continue;
    }
    const client = rand(30) === 0 ? 424242 : ids[rand(ids.length)];
    const last = seqs.get(client) ?? 0;
    const seq = Math.max(1, last + rand(4) - 1); // a retry, the next one, a late one, a skip
    seqs.set(client, Math.max(last, seq));
    log.push({ index, op: 'put', client, seq, key: `k${rand(5)}`, value: index });
  }
  const replica = () => ({ kv: new Map(), sessions: new ClientSessions({ expireAfter: 150 }), out: [] });
  const applyTo = (r, e) => {
    if (e.op === 'register') return r.out.push(['register', r.sessions.register(e.index)]);
    const res = r.sessions.apply(e.client, e.seq, e.index, () => (r.kv.set(e.key, e.value), e.index));
    r.out.push([res.status, res.reply]);
  };
  const a = replica();
  for (const e of log) applyTo(a, e);
  for (const cut of [1, 700, 1500, 2999]) {
    const b = replica();
    for (const e of log.slice(0, cut)) applyTo(b, e);
    const snap = JSON.parse(JSON.stringify({ kv: [...b.kv], sessions: b.sessions }));
    const c = { kv: new Map(snap.kv), sessions: ClientSessions.fromJSON(snap.sessions), out: b.out.slice() };
    for (const e of log.slice(cut)) applyTo(c, e);
    assert.deepEqual(c.out, a.out, `restored at ${cut}`);
    assert.deepEqual([...c.kv], [...a.kv]);
    assert.deepEqual(c.sessions.toJSON(), a.sessions.toJSON());
  }
  // Every outcome occurred, so the comparison covers each rule.
  const statuses = new Set(a.out.map(([s]) => s));
  assert.deepEqual([...statuses].sort(), ['applied', 'duplicate', 'expired', 'register', 'stale']);
});

test('§6.3 on a Raft log: a put committed twice (a retry after a lost answer) is applied once', () => {
  const node = new RaftNode({ id: 1, peers: [1] });
  const sessions = new ClientSessions();
  const kv = new Map();
  const replies = [];
  const drain = () => {
    for (let rd = node.ready(); rd; rd = node.ready()) {
      for (const e of rd.committed) {
        if (e.kind !== 'normal' || e.data.length === 0) continue;
        const cmd = JSON.parse(e.text);
        if (cmd.op === 'register') replies.push(sessions.register(e.index));
        else replies.push(sessions.apply(cmd.client, cmd.seq, e.index, () => (kv.set(cmd.key, cmd.value), e.index)));
      }
      node.advance();
    }
  };
  node.campaign();
  drain();
  node.propose(JSON.stringify({ op: 'register' }));
  drain();
  const client = replies.pop();
  const put = (seq, key, value) => node.propose(JSON.stringify({ op: 'put', client, seq, key, value }));
  const first = put(1, 'x', 'old');
  put(2, 'x', 'new');
  const retry = put(1, 'x', 'old'); // the same request again, later in the log
  drain();
  assert.ok(retry > first);
  assert.deepEqual(replies, [
    { status: 'applied', reply: first },
    { status: 'applied', reply: first + 1 },
    { status: 'stale' },
  ]);
  assert.equal(kv.get('x'), 'new');
  node.free();
});

test('ClientSessions rejects bad arguments, naming them', () => {
  assert.throws(() => new ClientSessions({ expireAfter: 0 }), { name: 'RangeError', message: 'expireAfter must be an integer in 1..=9007199254740991, got 0' });
  assert.throws(() => new ClientSessions(5), { name: 'TypeError', message: /options must be an options object/ });
  const s = new ClientSessions();
  s.register(5);
  assert.throws(() => s.register(4), { name: 'RangeError', message: /^index must be an integer in 5\.\.=/ });
  assert.throws(() => s.register(5), { name: 'RangeError', message: 'index must not register a session twice, got 5' });
  assert.throws(() => s.apply(5, 0, 6, () => 1), { name: 'RangeError', message: /^seq must be an integer in 1\.\.=/ });
  assert.throws(() => s.apply('5', 1, 6, () => 1), { name: 'TypeError', message: 'client must be a number, got "5"' });
  assert.throws(() => s.apply(5, 1, 6, 'x'), { name: 'TypeError', message: 'run must be a function, got "x"' });
  assert.throws(() => s.apply(5, 1, 4.5, () => 1), { name: 'RangeError' });
  // A run that throws records nothing: the same request can apply later.
  assert.throws(() => s.apply(5, 1, 6, () => { throw new Error('boom'); }), /boom/);
  assert.equal(s.apply(5, 1, 7, () => 'ok').status, 'applied');
  assert.throws(() => ClientSessions.fromJSON(null), { name: 'TypeError' });
  assert.throws(() => ClientSessions.fromJSON({ expireAfter: 10, index: 3, sessions: [[4, 0, 3, null]] }), { name: 'RangeError' });
  assert.throws(() => ClientSessions.fromJSON({ expireAfter: 10, index: 3, sessions: [[1, 0, 1, null], [1, 0, 2, null]] }), { name: 'RangeError' });
});
