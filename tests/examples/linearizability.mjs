// A linearizability checker for histories of a key-value store whose keys are
// read/write registers, in the style of Knossos and Porcupine: Wing & Gong's search
// (1993) with Lowe's memoization (2017), one key at a time (P-compositionality: the
// keys never interact). The algorithm of the Rust simulator's checker
// (src/raft/sim/linearizability.rs), for histories recorded from JavaScript, and cut
// at quiescent points so that histories of hundreds of thousands of operations check in
// seconds.
//
// An operation is { key, kind: 'put' | 'get', value, call, ret, known }:
//   - `call` and `ret` are the times the client invoked it and got its answer;
//   - a put writes `value` (unique per history, so a read names the write it saw);
//   - a get read `value` (null: the key was absent);
//   - `known: false` means the client never learned the outcome (it timed out, or its
//     replica died): a put may then have taken effect at any point after its call, or
//     never; a get constrains nothing and is left out.
//
// A history is linearizable (Herlihy & Wing, 1990) if each operation can be given one
// instant between its call and its return (for an unknown put, any instant after its
// call, or none) at which it takes effect, such that every get returns the value of the
// last put before it.

const NONE = Symbol('rejected');

/** The register's step: the next state, or NONE if `op` cannot return what it did. */
function step(state, op) {
  if (op.kind === 'put') return op.value;
  return op.value === state ? state : NONE;
}

/**
 * Wing & Gong's search with Lowe's memoization over `ops` (sorted by call time), from
 * `init`. Calls `onEnd(state, rest)` for the ways to linearize every known operation:
 * `state` is the register's value after them, `rest` the unknown operations (indices
 * into `ops`) left out, which may still take effect later or never. Ways that differ
 * only in unknown operations placed after the last known one are reported once, without
 * them (placing them later is always possible).
 */
function search(ops, init, onEnd) {
  const n = ops.length;
  // Entries 2k (call of op k) and 2k+1 (its return), sorted by time; at equal times a
  // call comes first, so operations that touch at an instant count as concurrent.
  const time = (e) => {
    const op = ops[e >> 1];
    if ((e & 1) === 0) return op.call;
    return op.known ? Math.max(op.ret, op.call) : Infinity;
  };
  const order = Array.from({ length: 2 * n }, (_, e) => e);
  order.sort((a, b) => time(a) - time(b) || (a & 1) - (b & 1) || (a >> 1) - (b >> 1));
  // A doubly linked list over positions 1..2n; 0 is the head, and next = 0 ends it.
  const len = 2 * n + 1;
  const next = new Int32Array(len);
  const prev = new Int32Array(len);
  for (let p = 0; p < len; p++) {
    next[p] = p + 1 < len ? p + 1 : 0;
    prev[p] = p > 0 ? p - 1 : 0;
  }
  const entry = (p) => order[p - 1];
  const posCall = new Int32Array(n);
  const posRet = new Int32Array(n);
  for (let p = 1; p < len; p++) {
    const e = entry(p);
    if ((e & 1) === 0) posCall[e >> 1] = p;
    else posRet[e >> 1] = p;
  }
  const lift = (p) => {
    next[prev[p]] = next[p];
    if (next[p] !== 0) prev[next[p]] = prev[p];
  };
  const unlift = (p) => {
    next[prev[p]] = p;
    if (next[p] !== 0) prev[next[p]] = p;
  };
  // The linearized operations: every one below `low`, and `count - low` of those above
  // it (ops are by call time, so in practice a few). (set, state) pairs already explored
  // are kept as strings that spell exactly that.
  const done = new Uint8Array(n + 1);
  let low = 0;
  let count = 0;
  let knownLeft = ops.filter((o) => o.known).length;
  const seen = new Set();
  const memoKey = (state) => {
    let key = `${JSON.stringify(state)}|${low}`;
    for (let k = low + 1, left = count - low; left > 0; k++) {
      if (done[k]) {
        key += `,${k}`;
        left--;
      }
    }
    return key;
  };
  const mark = (k) => {
    done[k] = 1;
    count++;
    if (ops[k].known) knownLeft--;
    while (done[low]) low++;
  };
  const unmark = (k) => {
    done[k] = 0;
    count--;
    if (ops[k].known) knownLeft++;
    if (k < low) low = k;
  };
  const stack = [];
  let state = init;
  // Undoes the last choice; returns where to look for the next one (0: nothing left).
  const backtrack = () => {
    const top = stack.pop();
    if (!top) return -1;
    const [k, old] = top;
    state = old;
    unmark(k);
    unlift(posRet[k]);
    unlift(posCall[k]);
    return next[posCall[k]];
  };
  if (knownLeft === 0) {
    onEnd(state, ops.map((_, k) => k));
    return;
  }
  let cur = next[0];
  for (;;) {
    // At the end of the list, or at a return whose call is still in it (an operation
    // that had to take effect by now could not be placed): undo the last choice.
    if (cur === 0 || (entry(cur) & 1) === 1) {
      cur = backtrack();
      if (cur < 0) return;
      continue;
    }
    const k = entry(cur) >> 1;
    const s2 = step(state, ops[k]);
    if (s2 !== NONE) {
      mark(k);
      const key = memoKey(s2);
      if (!seen.has(key)) {
        seen.add(key);
        stack.push([k, state]);
        state = s2;
        lift(posCall[k]);
        lift(posRet[k]);
        if (knownLeft === 0) {
          onEnd(state, ops.map((_, j) => j).filter((j) => !done[j]));
          cur = backtrack();
          if (cur < 0) return;
        } else {
          cur = next[0];
        }
        continue;
      }
      unmark(k);
    }
    cur = next[cur];
  }
}

/**
 * Whether one register's operations (puts, known gets) are linearizable from `init`
 * (null: absent); if not, also the stretch of the history where no linearization goes
 * on. Exponential in the worst case (the problem is NP-complete), in the number of
 * mutually concurrent operations, but only within a stretch: the history is cut at each
 * quiescent point, an instant before which every known operation has returned and after
 * which every operation is called. The operations before a cut all precede those after
 * it, so it is enough to carry across the cut each state in which the stretch before it
 * can end, with the unknown puts not yet placed (they may still take effect, or never).
 * @returns {{ ok: true } | { ok: false, stretch: object[] }}
 */
export function checkRegisterStretches(history, init = null) {
  const ops = history.slice().sort((a, b) => a.call - b.call);
  // The frontier: every (state, unknown puts not yet placed) the history so far can end in.
  let frontier = new Map([[JSON.stringify([init, []]), { state: init, pending: [] }]]);
  let start = 0;
  let horizon = -Infinity;
  for (let i = 0; i <= ops.length; i++) {
    if (i < ops.length && !(i > start && ops[i].call > horizon)) {
      if (ops[i].known) horizon = Math.max(horizon, ops[i].ret, ops[i].call);
      continue;
    }
    // ops[start..i) is a stretch: every known operation before ops[i] has returned.
    const stretch = ops.slice(start, i);
    const after = new Map();
    for (const { state, pending } of frontier.values()) {
      // Unknown puts carried over were called before the stretch: any time in it will do.
      const carried = pending.map((op) => ({ ...op, call: -Infinity }));
      const all = [...carried, ...stretch];
      search(all, state, (end, rest) => {
        const left = rest.map((k) => (k < carried.length ? pending[k] : all[k]));
        after.set(JSON.stringify([end, left.map((o) => [o.value, o.call])]), { state: end, pending: left });
      });
    }
    if (after.size === 0) return { ok: false, stretch };
    frontier = after;
    start = i;
    horizon = i < ops.length && ops[i].known ? Math.max(ops[i].ret, ops[i].call) : -Infinity;
  }
  return { ok: true };
}

/** Whether one register's operations are linearizable ({@link checkRegisterStretches}). */
export function checkRegister(history, init = null) {
  return checkRegisterStretches(history, init).ok;
}

/**
 * Checks a key-value history key by key; gets of unknown outcome are left out.
 *
 * Unknown puts whose value no get returned are left out too, which changes no answer:
 * in any linearization, a get placed right after such a put would return its value, so
 * none is, and removing the put leaves a linearization of the rest; conversely, a
 * linearization of the rest extends to the whole by placing the put last, after its
 * call and after everything anyone saw. This keeps the search small: an unknown put
 * stays concurrent with everything after its call, and most are never seen.
 *
 * Returns { keys, linearizable, failures: [{ key, ops, stretch }] }: a failing key's
 * operations by call time, and the stretch of them no linearization gets through.
 */
export function checkKv(history, init = null) {
  const byKey = new Map();
  for (const op of history) {
    if (op.kind === 'get' && !op.known) continue;
    if (!byKey.has(op.key)) byKey.set(op.key, []);
    byKey.get(op.key).push(op);
  }
  const failures = [];
  for (const [key, all] of byKey) {
    const observed = new Set(all.filter((o) => o.kind === 'get').map((o) => o.value));
    const ops = all.filter((o) => o.known || observed.has(o.value)).sort((a, b) => a.call - b.call);
    const r = checkRegisterStretches(ops, init);
    if (!r.ok) failures.push({ key, ops, stretch: r.stretch });
  }
  return { keys: byKey.size, linearizable: byKey.size - failures.length, failures };
}

/**
 * A failing key for a test's failure message: the stretch of its history that no
 * linearization gets through (at most `limit` operations of it), one operation a line,
 * times in ms from `t0`.
 */
export function describeFailure({ key, ops, stretch }, t0 = 0, limit = 300) {
  const ms = (t) => (t === Infinity ? '?' : (t - t0).toFixed(1));
  const lines = stretch.slice(0, limit).map(
    (o) =>
      `  client ${o.client ?? '?'} [${ms(o.call)}, ${o.known ? ms(o.ret) : '?'}] ${o.kind} ${JSON.stringify(o.value)}${o.known ? '' : ' (unknown outcome)'}`,
  );
  if (stretch.length > limit) lines.push(`  … ${stretch.length - limit} more`);
  return (
    `key ${JSON.stringify(key)} is not linearizable (${ops.length} operations); ` +
    `no linearization gets through these ${stretch.length}, which follow all the others before them:\n${lines.join('\n')}`
  );
}
