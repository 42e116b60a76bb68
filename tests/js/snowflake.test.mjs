// node:test tier for Snowflake IDs, against the built package.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Snowflake, layouts, randomMachineId, machineIdCollisionProbability } from 'quorumkit';

const T0 = 1_700_000_000_000;

/** A fake clock driven by a script of readings; the last reading repeats, then advances 1 ms per read. */
function scriptedClock(readings) {
  let i = 0;
  let extra = 0;
  return () => (i < readings.length ? readings[i++] : readings.at(-1) + ++extra);
}

function assertIncreasing(ids) {
  for (let i = 1; i < ids.length; i++) {
    assert.ok(ids[i] > ids[i - 1], `id ${i} (${ids[i]}) after ${ids[i - 1]}`);
  }
}

test('Discord vector decodes exactly and composes back', () => {
  const d = Snowflake.decode(175928847299117063n, { layout: 'discord' });
  assert.equal(d.timestamp, 1462015105796);
  assert.equal(d.date.getTime(), 1462015105796);
  assert.equal(d.workerId, 1);
  assert.equal(d.processId, 0);
  assert.equal(d.sequence, 7);
  assert.deepEqual(Snowflake.decode('175928847299117063', { layout: 'discord' }), d);
  assert.equal(Snowflake.compose({ timestamp: 1462015105796, workerId: 1, processId: 0, sequence: 7 }, { layout: 'discord' }), 175928847299117063n);
  assert.equal(Snowflake.compose({ timestamp: d.date, machineId: d.machineId, sequence: 7 }, { layout: layouts.discord }), 175928847299117063n);
});

test('an ID parses only from the text it prints as: no leading zeros', () => {
  for (const text of ['07', '00', '0175928847299117063']) {
    assert.throws(() => Snowflake.decode(text, { layout: 'discord' }), (e) => e instanceof RangeError && /without leading zeros/.test(e.message), text);
  }
  for (const text of ['0', '7', '175928847299117063', '9223372036854775807']) {
    const d = Snowflake.decode(text, { layout: 'discord' });
    assert.equal(String(Snowflake.compose({ timestamp: d.timestamp, machineId: d.machineId, sequence: d.sequence }, { layout: 'discord' })), text);
  }
});

test('Twitter IDs decode to their creation time', () => {
  // The Tweet object example of Twitter's developer docs:
  // "id": 1050118621198921728, "created_at": "Wed Oct 10 20:19:24 +0000 2018".
  const t = Snowflake.decode(1050118621198921728n, { layout: 'twitter' });
  assert.equal(t.date.toISOString().slice(0, 19), '2018-10-10T20:19:24');
  assert.ok('datacenterId' in t && 'workerId' in t);
});

test('every preset round-trips decode(compose(x))', () => {
  for (const [name, l] of Object.entries(layouts)) {
    const ts = l.epoch + 123_456_789 * l.timeUnit;
    const parts = { timestamp: ts, machineId: l.maxMachineId, sequence: 2 ** l.sequenceBits - 1 };
    const id = Snowflake.compose(parts, { layout: name });
    const back = Snowflake.decode(id, { layout: name });
    assert.equal(back.timestamp, ts, name);
    assert.equal(back.machineId, parts.machineId, name);
    assert.equal(back.sequence, parts.sequence, name);
    assert.equal(Snowflake.decode(id.toString(), { layout: l }).id, id);
  }
});

test('a generator never repeats under a hostile clock, for every policy', () => {
  const stall = Array(20_000).fill(T0);
  const back1 = [T0, T0 + 5, T0 + 4, T0 + 4, T0 + 5, T0 + 6];
  const back10s = [T0 + 10_000, T0 + 10_000, T0, T0 + 1, T0 + 10_000, T0 + 10_001];
  // Forward an hour, then back an hour: beyond maxBackwardsMs, so every policy refuses
  // until the clock catches up again.
  const jump = [T0, T0 + 3_600_000, T0 + 3_600_000, T0 + 1, T0 + 3_600_001];
  for (const policy of ['logical', 'wait', 'error']) {
    for (const [label, script] of [['stall', stall], ['back 1 ms', back1], ['back 10 s', back10s], ['jump', jump]]) {
      const g = new Snowflake({ machineId: 3, onClockBackwards: policy, clock: scriptedClock(script), maxBackwardsMs: 20_000 });
      const ids = [];
      let refusals = 0;
      for (let i = 0; i < 12_000; i++) {
        try {
          ids.push(g.next());
        } catch (e) {
          assert.ok(policy === 'error' || label === 'jump', `${label}: ${policy} refused (${e.message})`);
          assert.match(e.message, /clock moved backwards/);
          refusals++;
        }
      }
      assertIncreasing(ids);
      for (const id of ids) assert.equal(Snowflake.decode(id).machineId, 3);
      if (policy === 'error' && label.startsWith('back')) assert.ok(refusals > 0, `${label}: refused`);
      g.free();
    }
  }
});

test('fill and next interleave without repeats, wrapping the sequence many times', () => {
  const g = new Snowflake({ machineId: 9, layout: 'instagram', clock: scriptedClock(Array(50).fill(T0)) });
  const ids = [];
  const batch = new BigUint64Array(3000);
  for (let round = 0; round < 10; round++) {
    ids.push(...g.fill(batch));
    ids.push(g.next(), g.next());
  }
  assertIncreasing(ids);
  assert.equal(new Set(ids).size, ids.length);
});

test('a million IDs from next() and from fill() are unique and increasing (real clock)', () => {
  const g = new Snowflake({ machineId: 1 });
  const a = new BigUint64Array(1_000_000);
  for (let i = 0; i < a.length; i++) a[i] = g.next();
  for (let i = 1; i < a.length; i++) assert.ok(a[i] > a[i - 1]);
  const b = g.fill(new BigUint64Array(1_000_000));
  assert.ok(b[0] > a.at(-1));
  for (let i = 1; i < b.length; i++) assert.ok(b[i] > b[i - 1]);
  assert.match(g.nextString(), /^[0-9]+$/);
});

test('tryNext reports would-block instead of waiting', () => {
  const g = new Snowflake({ machineId: 0, layout: 'instagram', clock: () => T0 });
  let n = 0;
  while (g.tryNext() !== undefined) n++;
  assert.equal(n, 1024); // a 10-bit sequence per ms
  g.free();
});

test('the error policy throws, and the generator recovers with the clock', () => {
  let now = T0;
  const g = new Snowflake({ machineId: 1, onClockBackwards: 'error', clock: () => now });
  const a = g.next();
  now -= 1;
  assert.throws(() => g.next(), (e) => e instanceof Error && /backwards by 1 ms/.test(e.message));
  now += 2;
  assert.ok(g.next() > a);
});

test("a clock that keeps falling back throws under every policy instead of spinning forever", () => {
  // The exact reproducer: under 'wait', next() used to spin on this clock forever.
  let t = 1.7e12;
  let r = 0;
  const g = new Snowflake({ machineId: 1, onClockBackwards: 'wait', clock: () => (++r > 2 ? --t : t) });
  g.next();
  assert.throws(() => g.next(), (e) => e.constructor === Error && e.message === 'the clock moved backwards by 1001 ms; no ID was issued');
  assert.ok(r <= 1004, `${r} readings`);
  for (const policy of ['wait', 'error', 'logical']) {
    for (const maxBackwardsMs of [0, 1, 1000]) {
      for (const call of ['next', 'fill']) {
        // T0 twice (construction, first ID), then 1 ms earlier per reading until the clock is fixed.
        let falling = true;
        let reads = 0;
        const clock = () => (++reads, falling ? T0 - Math.max(0, reads - 2) : T0 + 1);
        const h = new Snowflake({ machineId: 1, onClockBackwards: policy, maxBackwardsMs, clock });
        const first = h.next();
        const run = call === 'next'
          ? () => { for (let i = 0; i < 4096; i++) h.next(); }
          : () => h.fill(new BigUint64Array(10_000));
        assert.throws(run, (e) => e.constructor === Error && /^the clock moved backwards by \d+ ms/.test(e.message), `${policy} ${maxBackwardsMs} ${call}`);
        // At most one reading per ms of the allowed step back, plus the IDs 'logical' issues meanwhile.
        assert.ok(reads <= maxBackwardsMs + 4100, `${policy} ${maxBackwardsMs} ${call}: ${reads} readings`);
        falling = false;
        assert.ok(h.next() > first);
        h.free();
      }
    }
  }
});

test('a wait on a clock that stopped ends with an error after a bounded time', () => {
  // Behind and stopped, under 'wait': the clock never comes back.
  let reads = 0;
  const behind = new Snowflake({ machineId: 1, onClockBackwards: 'wait', maxBackwardsMs: 50, clock: () => (reads++ < 2 ? T0 : T0 - 5) });
  behind.next();
  let start = performance.now();
  assert.throws(() => behind.next(), (e) => e.constructor === Error && e.message === 'the clock did not reach the time an ID needs within 1055 ms of waiting; no ID was issued');
  let took = performance.now() - start;
  assert.ok(took >= 1055 && took < 5_000, `${took} ms`);
  // A used-up sequence on a stopped clock (a fake timer), under the default policy.
  const stopped = new Snowflake({ machineId: 1, layout: 'instagram', maxBackwardsMs: 0, clock: () => T0 });
  stopped.fill(new BigUint64Array(1024));
  start = performance.now();
  assert.throws(() => stopped.fill(new BigUint64Array(1)), (e) => e.constructor === Error && /^the clock did not reach the time an ID needs within 1001 ms/.test(e.message));
  took = performance.now() - start;
  assert.ok(took >= 1001 && took < 5_000, `${took} ms`);
  assert.equal(stopped.tryNext(), undefined);
  assert.ok(new Snowflake({ machineId: 2 }).next() > 0n);
});

test('an exhausted timestamp field is an error', () => {
  const l = layouts.default;
  const g = new Snowflake({ machineId: 1, clock: scriptedClock([l.endMs - 1, l.endMs + 10]) });
  assert.throws(() => g.next(), (e) => e instanceof Error && /timestamp field is exhausted/.test(e.message));
});

test('bad arguments get TypeError or RangeError naming the parameter, and the module keeps working', () => {
  const cases = [
    [() => new Snowflake(), TypeError, /^options must be/],
    [() => new Snowflake({}), TypeError, /^machineId must be a number/],
    [() => new Snowflake({ machineId: '1' }), TypeError, /^machineId must be a number/],
    [() => new Snowflake({ machineId: -1 }), RangeError, /^machineId must be an integer in 0\.\.=1023/],
    [() => new Snowflake({ machineId: 1024 }), RangeError, /^machineId must be an integer in 0\.\.=1023/],
    [() => new Snowflake({ machineId: 0.5 }), RangeError, /^machineId/],
    [() => new Snowflake({ machineId: 1, epoch: Date.now() + 60_000 }), RangeError, /^epoch must be at most the current time/],
    [() => new Snowflake({ machineId: 1, epoch: -5 }), RangeError, /^epoch/],
    [() => new Snowflake({ machineId: 1, epoch: '2020' }), TypeError, /^epoch/],
    [() => new Snowflake({ machineId: 1, layout: 'flickr' }), RangeError, /^layout must be one of/],
    [() => new Snowflake({ machineId: 1, layout: 42 }), TypeError, /^layout must be/],
    [() => new Snowflake({ machineId: 1, layout: { timestampBits: 41, machineBits: 10, sequenceBits: 13 } }), RangeError, /^layout/],
    [() => new Snowflake({ machineId: 1, layout: { timestampBits: 41, machineBits: 0, sequenceBits: 22 } }), RangeError, /^machineBits/],
    [() => new Snowflake({ machineId: 1, onClockBackwards: 'ignore' }), RangeError, /^onClockBackwards/],
    [() => new Snowflake({ machineId: 1, clock: 5 }), TypeError, /^clock/],
    [() => new Snowflake({ machineId: 1 }).fill([1, 2]), TypeError, /^out must be a BigUint64Array/],
    [() => Snowflake.decode(-1n), RangeError, /^id must be/],
    [() => Snowflake.decode(1n << 63n), RangeError, /^id must be/],
    [() => Snowflake.decode('12a'), RangeError, /^id must be a decimal string/],
    [() => Snowflake.decode(12), TypeError, /^id must be a bigint or a decimal string/],
    [() => Snowflake.decode(1n, 'discord'), TypeError, /^options must be an options object/],
    [() => Snowflake.compose({ timestamp: T0, machineId: 5000 }), RangeError, /^machineId/],
    [() => Snowflake.compose({ timestamp: 0 }), RangeError, /^timestamp/],
    [() => Snowflake.fromDate('yesterday'), TypeError, /^date/],
  ];
  for (const [fn, cls, msg] of cases) {
    assert.throws(fn, (e) => e instanceof cls && msg.test(e.message), String(fn));
  }
  assert.ok(new Snowflake({ machineId: 1 }).next() > 0n);
});

test('a bigint or other odd value in a layout or from the clock is a TypeError naming it', () => {
  const spec = { timestampBits: 41, machineBits: 10, sequenceBits: 12 };
  const show = (v) => (typeof v === 'bigint' ? `${v}n` : typeof v === 'symbol' ? 'a symbol' : v === null ? 'null' : typeof v === 'string' ? JSON.stringify(v) : 'an object \\(Object\\)');
  for (const v of [41n, Symbol('s'), '41', null, {}]) {
    for (const k of ['timestampBits', 'machineBits', 'sequenceBits', 'epoch', 'timeUnit']) {
      const layout = { ...spec, [k]: v };
      const what = k === 'epoch' ? 'a number \\(Unix ms\\)' : 'a number';
      const re = new RegExp(`^layout\\.${k} must be ${what}, got ${show(v)}$`);
      assert.throws(() => new Snowflake({ machineId: 1, layout }), (e) => e.constructor === TypeError && re.test(e.message), `${k}`);
      assert.throws(() => Snowflake.decode(1n, { layout }), (e) => e.constructor === TypeError && re.test(e.message), `${k}`);
    }
    const re = new RegExp(`^layout\\.epoch must be a number \\(Unix ms\\), got ${show(v)}$`);
    assert.throws(() => Snowflake.decode(1n, { layout: { name: 'twitter', epoch: v } }), (e) => e.constructor === TypeError && re.test(e.message));
  }
  // The clock: at construction, and at any later reading.
  const clockError = (e) => e.constructor === TypeError && e.message === 'clock() must be a number (Unix ms), got 1700000000000n';
  assert.throws(() => new Snowflake({ machineId: 1, clock: () => BigInt(T0) }), clockError);
  let big = false;
  const g = new Snowflake({ machineId: 1, clock: () => (big ? BigInt(T0) : T0) });
  const a = g.next();
  big = true;
  assert.throws(() => g.next(), clockError);
  assert.throws(() => g.tryNext(), clockError);
  assert.throws(() => g.fill(new BigUint64Array(2)), clockError);
  assert.throws(() => new Snowflake({ machineId: 1, clock: () => undefined }), (e) => e.constructor === TypeError && e.message === 'clock() must be a number (Unix ms), got undefined');
  big = false;
  assert.ok(g.next() > a);
  g.free();
});

test('custom layouts, epochs and dates', () => {
  const layout = { timestampBits: 42, machineBits: 8, sequenceBits: 13, epoch: 1_600_000_000_000, timeUnit: 2 };
  const g = new Snowflake({ machineId: 200, layout });
  assert.equal(g.layout.name, 'custom');
  assert.equal(g.layout.idsPerSecond, 8192 * 500);
  const d = Snowflake.decode(g.next(), { layout });
  assert.equal(d.machineId, 200);
  assert.ok(Math.abs(d.timestamp - Date.now()) < 5_000);
  const since = Snowflake.fromDate(new Date(T0));
  assert.equal(Snowflake.decode(since).timestamp, T0);
  assert.equal(Snowflake.decode(since).sequence, 0);
  const shifted = new Snowflake({ machineId: 1, layout: 'twitter', epoch: 0 });
  assert.equal(shifted.layout.epoch, 0);
  assert.deepEqual(shifted.layout.fields, ['datacenterId', 'workerId']);
});

test('random machine IDs fit the layout, and the collision math is exposed', () => {
  for (let i = 0; i < 200; i++) {
    const id = randomMachineId();
    assert.ok(Number.isInteger(id) && id >= 0 && id <= 1023);
    assert.ok(randomMachineId({ layout: 'sonyflake' }) <= 65535);
  }
  assert.ok(Math.abs(machineIdCollisionProbability(10) - 0.0431) < 1e-3);
  assert.ok(Math.abs(machineIdCollisionProbability(38) - 0.5) < 0.02);
  assert.equal(machineIdCollisionProbability(1025), 1);
  assert.equal(machineIdCollisionProbability(1), 0);
});

test('layouts lists the presets with their parameters', () => {
  assert.deepEqual(Object.keys(layouts), ['default', 'twitter', 'discord', 'sonyflake', 'instagram']);
  assert.equal(layouts.default.epoch, 1609459200000);
  assert.equal(layouts.default.idsPerSecond, 4_096_000);
  assert.equal(layouts.twitter.epoch, 1288834974657);
  assert.equal(layouts.discord.epoch, 1420070400000);
  assert.equal(layouts.sonyflake.timeUnit, 10);
  assert.equal(layouts.sonyflake.order, 'sequence-machine');
  assert.equal(layouts.instagram.sequenceBits, 10);
  assert.ok(Object.isFrozen(layouts.default));
});

test('free() releases the generator; using it afterwards throws, other objects keep working', () => {
  const g = new Snowflake({ machineId: 1 });
  g.free();
  assert.throws(() => g.next());
  const h = new Snowflake({ machineId: 2 });
  assert.ok(h.next() > 0n);
  h[Symbol.dispose]();
});

test('range ends: machine IDs, sequences, timestamps, IDs: max - 1 and max work, max + 1 is a RangeError', () => {
  const rangeError = (fn, re) => assert.throws(fn, (e) => e.constructor === RangeError && re.test(e.message), String(fn));
  for (const name of Object.keys(layouts)) {
    const l = layouts[name];
    const mm = l.maxMachineId;
    const ms = 2 ** l.sequenceBits - 1;
    for (const m of [mm - 1, mm]) assert.equal(new Snowflake({ machineId: m, layout: name }).machineId, m);
    rangeError(() => new Snowflake({ machineId: mm + 1, layout: name }), new RegExp(`^machineId must be an integer in 0\\.\\.=${mm}, got ${mm + 1}$`));
    const at = l.epoch + 1_000_000;
    for (const q of [ms - 1, ms]) {
      const id = Snowflake.compose({ timestamp: at, machineId: 0, sequence: q }, { layout: name });
      assert.equal(Snowflake.decode(id, { layout: name }).sequence, q);
    }
    rangeError(() => Snowflake.compose({ timestamp: at, machineId: 0, sequence: ms + 1 }, { layout: name }), /^sequence must be an integer in 0\.\.=/);
    // Timestamps: epoch ..= endMs.
    for (const ts of [l.epoch, l.endMs - 1, l.endMs]) {
      const id = Snowflake.compose({ timestamp: ts, machineId: mm, sequence: ms }, { layout: name });
      assert.ok(Snowflake.decode(id, { layout: name }).timestamp <= ts);
    }
    rangeError(() => Snowflake.compose({ timestamp: l.endMs + 1 }, { layout: name }), /^timestamp must be/);
    rangeError(() => Snowflake.compose({ timestamp: l.epoch - 1 }, { layout: name }), /^timestamp must be/);
  }
  // A generator's clock: the epoch up to the layout's end, and Unix ms up to 2^53 - 1.
  const l = layouts.default;
  for (const t of [l.epoch, l.epoch + 1, l.endMs - 1, l.endMs]) {
    const g = new Snowflake({ machineId: 1, clock: () => t });
    assert.equal(Snowflake.decode(g.next()).timestamp, t);
    g.free();
  }
  rangeError(() => new Snowflake({ machineId: 1, clock: () => l.epoch - 1 }), /^epoch must be at most the current time/);
  rangeError(() => new Snowflake({ machineId: 1, clock: () => l.endMs + 1 }), /^epoch/);
  rangeError(() => new Snowflake({ machineId: 1, clock: () => 2 ** 53 }), /^clock\(\) must be an integer in 0\.\.=9007199254740991, got 9007199254740992$/);
  const last = new Snowflake({ machineId: 1, clock: () => l.endMs });
  last.fill(new BigUint64Array(4096));
  assert.throws(() => last.next(), (e) => e.constructor === Error && /timestamp field is exhausted/.test(e.message));
  // IDs: 0 ..= 2^63 - 1.
  const MAX_ID = (1n << 63n) - 1n;
  for (const id of [MAX_ID - 1n, MAX_ID]) {
    assert.equal(Snowflake.decode(id).id, id);
    assert.equal(Snowflake.decode(String(id)).id, id);
  }
  rangeError(() => Snowflake.decode(MAX_ID + 1n), /^id must be an ID in 0\.\.=2\^63-1/);
  rangeError(() => Snowflake.decode(String(MAX_ID + 1n)), /^id must be a decimal string/);
  // maxBackwardsMs: 0 ..= 86400000.
  for (const maxBackwardsMs of [0, 1, 86_399_999, 86_400_000]) new Snowflake({ machineId: 1, maxBackwardsMs }).free();
  rangeError(() => new Snowflake({ machineId: 1, maxBackwardsMs: 86_400_001 }), /^maxBackwardsMs must be an integer in 0\.\.=86400000, got 86400001$/);
  rangeError(() => new Snowflake({ machineId: 1, maxBackwardsMs: -1 }), /^maxBackwardsMs must be/);
});

test('range ends of layout fields: widths, time unit and epoch', () => {
  const rangeError = (fn, re) => assert.throws(fn, (e) => e.constructor === RangeError && re.test(e.message), String(fn));
  const decodeWith = (layout) => Snowflake.decode(0n, { layout });
  // In ms, the timestamp field spans a year (2^35 ms) to 2^53 ms.
  for (const [t, ok] of [[34, false], [35, true], [36, true], [52, true], [53, true], [54, false]]) {
    const layout = { timestampBits: t, machineBits: 1, sequenceBits: 62 - t, epoch: 0 };
    if (ok) assert.equal(decodeWith(layout).timestamp, 0);
    else rangeError(() => decodeWith(layout), /^timestampBits must be/);
  }
  // Machine and sequence fields hold exact numbers: 1..=53 bits (53 needs day-long ticks).
  const day = 86_400_000;
  for (const [m, s, ok, field] of [[1, 53, true], [2, 52, true], [1, 54, false, 'sequenceBits'], [53, 1, true], [52, 2, true], [54, 1, false, 'machineBits'], [0, 54, false, 'machineBits']]) {
    const layout = { timestampBits: 63 - m - s, machineBits: m, sequenceBits: s, timeUnit: day, epoch: 0 };
    if (ok) assert.equal(decodeWith(layout).machineId, 0);
    else rangeError(() => decodeWith(layout), new RegExp(`^${field} must be an integer in 1\\.\\.=53`));
  }
  rangeError(() => decodeWith({ timestampBits: 41, machineBits: 10, sequenceBits: 13 }), /^layout must be bit widths with timestampBits \+ machineBits \+ sequenceBits = 63, got 64$/);
  rangeError(() => decodeWith({ timestampBits: 41, machineBits: 10, sequenceBits: 11 }), /^layout must be .*, got 62$/);
  // timeUnit: 1..=86400000 ms (41 bits for the low end, 20 bits of days for the high end).
  for (const [t, unit, ok] of [[41, 0, false], [41, 1, true], [41, 2, true], [20, day - 1, true], [20, day, true], [20, day + 1, false]]) {
    const layout = { timestampBits: t, machineBits: 21, sequenceBits: 42 - t, timeUnit: unit };
    if (ok) assert.equal(decodeWith(layout).sequence, 0);
    else rangeError(() => decodeWith(layout), /^timeUnit must be an integer in 1\.\.=86400000/);
  }
  // epoch: the default layout's field must end by 2^53 - 1 ms.
  const last = 2 ** 53 - 2 ** 41;
  for (const epoch of [last - 1, last]) assert.equal(Snowflake.decode(0n, { epoch }).timestamp, epoch);
  rangeError(() => Snowflake.decode(0n, { epoch: last + 1 }), new RegExp(`^epoch must be at most ${last} `));
  rangeError(() => Snowflake.decode(0n, { epoch: -1 }), /^epoch must be an integer in 0\.\.=9007199254740991, got -1$/);
});
