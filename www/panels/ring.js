// Consistent hashing panel: nodes and their virtual nodes on the circle, keys
// walking clockwise to their owner, what moves when a node joins or leaves, and
// the load per node. Every point, owner, moved fraction and load figure comes
// from the package; the page only draws them.
import {
  HashRing, BoundedLoadRing, Rendezvous, Maglev, jumpHashMany, jumpStats, jumpMovement,
} from 'quorumkit/ring';

export const id = 'ring';

const COLOURS = ['#e69f00', '#56b4e9', '#009e73', '#f0e442', '#0072b2', '#d55e00', '#cc79a7', '#000000'];
const NAMES = ['node-A', 'node-B', 'node-C', 'node-D', 'node-E', 'node-F', 'node-G', 'node-H'];
const MAX_NODES = NAMES.length;
const WALK_MS = 900;

/** What each choice of the algorithm switch is, and what the page can draw for it. */
const ALGOS = {
  seed: { label: 'Ring, CRC-32 (classic seed ring)', ring: true, hash: 'seed' },
  ketama: { label: 'Ring, ketama (MD5, npm hashring)', ring: true, hash: 'ketama' },
  xxh64: { label: 'Ring, XXH64 (64-bit)', ring: true, hash: 'xxh64' },
  xxh3: { label: 'Ring, XXH3 (64-bit, default)', ring: true, hash: 'xxh3' },
  bounded: { label: 'Bounded-load ring (XXH3)', ring: true, hash: 'xxh3', bounded: true },
  rendezvous: { label: 'Rendezvous (highest random weight)', ring: false },
  jump: { label: 'Jump hash', ring: false, noWeights: true },
  maglev: { label: 'Maglev table', ring: false, noWeights: true },
};

const EXPLAIN = {
  ring: `Each node is hashed to many points on a circle (its <em>virtual nodes</em>); each key is hashed to one
    point and walks clockwise to the first node point it meets, which owns it. When a node joins, it only takes
    the keys that now meet one of its points first, about 1/(N+1) of them; every other key stays where it was.
    More virtual nodes cut the circle into more, smaller arcs, so each node's share gets closer to fair.
    A weight gives a node proportionally more points.`,
  bounded: `A bounded-load ring places keys in order, and a node that already holds its cap of
    ⌈(1 + ε) × mean⌉ keys is skipped: the key walks on clockwise to the next node with room. No node exceeds the
    cap, at the price of moving extra keys when membership changes: the caps depend on the node count, so a
    node that was full may now have room, and keys placed after it follow (a <em>cascade</em> between two nodes
    that stay). Hover a key to see its walk, with the full nodes it passed crossed out.`,
  rendezvous: `Rendezvous hashing has no circle: every node scores every key and the highest score wins. Adding a
    node moves only the keys it now wins. There is no drawing of positions, so this view shows loads only.`,
  jump: `Jump hash maps a key to a bucket number 0…N−1 with no table and no circle. Growing to N+1 buckets moves
    exactly the keys that land in the new bucket; only the last bucket can be removed, and buckets have no weights.`,
  maglev: `Maglev fills a prime-sized lookup table, each node taking entries along its own permutation, so every
    node gets almost exactly the same share. A change moves the node's share plus a few reshuffled entries.
    Maglev has no weights.`,
};

const angleOf = (frac) => -Math.PI / 2 + 2 * Math.PI * frac;
const pct = (x) => `${(100 * x).toFixed(1)} %`;

export function mount(root) {
  root.innerHTML = `
    <h2>Consistent hashing</h2>
    <p class="explain" id="ring-explain"></p>
    <div class="ring-controls">
      <label>Algorithm <select id="ring-algo">${Object.entries(ALGOS).map(([k, a]) => `<option value="${k}">${a.label}</option>`).join('')}</select></label>
      <label id="ring-vnodes-label">Virtual nodes per node <input id="ring-vnodes" type="range" min="1" max="200" value="20" aria-describedby="ring-vnodes-out"><output id="ring-vnodes-out">20</output></label>
      <label id="ring-eps-label" hidden>ε <input id="ring-eps" type="number" min="0.05" max="2" step="0.05" value="0.25"></label>
      <label>Keys <select id="ring-keycount"><option>100</option><option selected>300</option><option>1000</option></select></label>
    </div>
    <div class="ring-controls">
      <button id="ring-add" type="button">Add a node</button>
      <label>with weight <select id="ring-add-weight"><option>0.5</option><option selected>1</option><option>2</option><option>3</option></select></label>
      <button id="ring-remove" type="button">Remove a node</button>
    </div>
    <p class="ring-moved" id="ring-moved" aria-live="polite"></p>
    <div class="ring-layout">
      <div class="ring-canvas-wrap" id="ring-canvas-wrap">
        <canvas id="ring-still" aria-hidden="true"></canvas>
        <canvas id="ring-canvas" role="img" aria-label="The hash ring: node points coloured by owner, keys as dots"></canvas>
        <div class="ring-tip" id="ring-tip" hidden></div>
        <p class="ring-note" id="ring-note"></p>
      </div>
      <div class="ring-side">
        <h3>Nodes</h3>
        <ul class="ring-nodes" id="ring-nodes"></ul>
        <h3>Load per node</h3>
        <div id="ring-bars"></div>
        <p class="ring-peak" id="ring-peak" aria-live="polite"></p>
      </div>
    </div>
    <h3>Follow one key</h3>
    <label>Key <input id="ring-lookup" value="user:42" autocomplete="off" spellcheck="false"></label>
    <output id="ring-lookup-out" class="ring-lookup-out"></output>`;

  const $ = (sel) => root.querySelector(sel);
  const canvas = $('#ring-canvas');
  const ctx = canvas.getContext('2d');

  const state = {
    algo: 'xxh3',
    vnodes: 20,
    epsilon: 0.25,
    nodes: [
      { name: NAMES[0], weight: 1 }, { name: NAMES[1], weight: 1 },
      { name: NAMES[2], weight: 1 }, { name: NAMES[3], weight: 1 },
    ],
    keys: [],
    impl: null, // the package object for the current algorithm
    points: null, // { fracs: Float64Array, owners (names), bits }: what the circle draws
    owners: [], // owner name per key, from the package
    dots: [], // per key: { from, to, t0, moved }
    focus: -1, // key index hovered or looked up
    focusKey: null,
    lastMove: null,
    pointsVersion: 0, // bumped whenever the points or the owners are read again
  };
  $('#ring-algo').value = state.algo;

  const colourOf = (name) => COLOURS[NAMES.indexOf(name) % COLOURS.length];
  const algo = () => ALGOS[state.algo];
  const keyCount = () => Number($('#ring-keycount').value);
  const makeKeys = () => Array.from({ length: keyCount() }, (_, i) => `user:${i}`);

  /** Builds the package object for the current algorithm and node set. */
  function build(nodes = state.nodes) {
    const a = algo();
    if (state.algo === 'rendezvous') {
      const r = new Rendezvous();
      for (const n of nodes) r.add(n.name, { weight: n.weight });
      return r;
    }
    if (state.algo === 'maglev') {
      const m = new Maglev({ tableSize: 65537 });
      m.addMany(nodes.map((n) => n.name));
      return m;
    }
    if (state.algo === 'jump') return { buckets: nodes.length, free() {} };
    if (a.bounded) {
      const b = new BoundedLoadRing({ epsilon: state.epsilon, hash: a.hash, vnodes: state.vnodes });
      for (const n of nodes) b.add(n.name, { weight: n.weight });
      return b;
    }
    const opts = { hash: a.hash };
    // The ketama modes count MD5 digests of 4 points each: a quarter of the slider keeps the picture comparable.
    opts.vnodes = a.hash === 'ketama' ? Math.max(1, Math.round(state.vnodes / 4)) : state.vnodes;
    const ring = new HashRing(opts);
    for (const n of nodes) ring.add(n.name, { weight: n.weight });
    return ring;
  }

  /** Owner of every key, from the package. */
  function ownersOf(impl, keys) {
    if (state.algo === 'jump') return Array.from(jumpHashMany(keys, impl.buckets), (b) => state.nodes[b]?.name ?? NAMES[b]);
    if (algo().bounded) return impl.assignMany(keys);
    return impl.getMany(keys);
  }

  function readPoints() {
    state.pointsVersion++;
    if (!algo().ring) return null;
    const { positions, owners, bits, names } = state.impl.points();
    const scale = 2 ** bits;
    const n = owners.length;
    const fracs = new Float64Array(n);
    const own = new Array(n);
    for (let k = 0; k < n; k++) { fracs[k] = Number(positions[k]) / scale; own[k] = names[owners[k]]; }
    return { fracs, owners: own, bits };
  }

  /**
   * The walk of a key, from the package: on a plain ring its position (keyPosition) and the
   * point that owns it (pointIndex), the next one clockwise. On a bounded-load ring the package's
   * walk: the points it passed and the full nodes it skipped, ending at a point of `owner` (the
   * node assignMany gave it), or, for a key not placed (`owner` undefined), the walk peek takes now.
   */
  function walkOf(key, owner) {
    const ring = state.impl;
    if (!algo().ring || !state.points || state.points.fracs.length === 0) return null;
    if (algo().bounded) {
      const w = ring.walk(key, owner === undefined ? undefined : { owner });
      const end = w.points[w.points.length - 1];
      return { pos: w.position, frac: w.fraction, point: end, to: state.points.fracs[end], passed: w.points.length - 1, points: w.points, skipped: w.skipped, owner: w.owner };
    }
    const pos = ring.keyPosition(key);
    const i = ring.pointIndex(key);
    return { pos, frac: Number(pos) / 2 ** state.points.bits, point: i, to: state.points.fracs[i], passed: 0, skipped: [] };
  }

  function keyWalk(i) {
    return walkOf(state.keys[i], state.owners[i]);
  }

  /** Recomputes everything from scratch (algorithm, vnodes, weights or keys changed). */
  function rebuild() {
    state.impl?.free();
    const impl = build();
    state.impl = impl;
    state.keys = makeKeys();
    state.points = readPoints();
    state.owners = ownersOf(impl, state.keys);
    const now = performance.now();
    state.dots = state.keys.map((_, i) => startDot(i, now, false));
    state.lastMove = null;
    renderSide();
    renderMoved();
    schedule();
  }

  function startDot(i, now, moved) {
    const w = keyWalk(i);
    if (!w) return null;
    return { from: w.frac, to: w.to, t0: now + (moved ? 0 : (i % 50) * 6), moved };
  }

  /**
   * What a change moves, from the package's analytics, asked before the change: the moved share
   * of the circle (rings) or of the lookup table (Maglev), the sample keys that move, and the
   * ideal (the node's weight share). The bounded-load ring replays the keys in order before and
   * after, and counts the keys that move between two nodes that stay (cascades).
   */
  function analyse(kind, name, weight) {
    const sampleKeys = state.keys;
    const a = algo();
    if (a.ring) {
      const ring = state.impl;
      const m = kind === 'add' ? ring.movementOnAdd(name, { weight, sampleKeys }) : ring.movementOnRemove(name, { sampleKeys });
      return a.bounded
        ? { ideal: m.idealFraction, plainArc: m.arcFraction, keys: m.keys, cascaded: m.keys.cascaded }
        : { ideal: m.idealFraction, arc: m.movedFraction, keys: m.keys };
    }
    if (state.algo === 'jump') {
      const n = state.nodes.length;
      const m = jumpMovement(sampleKeys, n, kind === 'add' ? n + 1 : n - 1);
      return { ideal: m.idealFraction, keys: m.keys };
    }
    const opts = state.algo === 'rendezvous' && kind === 'add' ? { weight, sampleKeys } : { sampleKeys };
    const m = kind === 'add' ? state.impl.movementOnAdd(name, opts) : state.impl.movementOnRemove(name, opts);
    return { ideal: m.idealFraction, table: m.tableFraction, keys: m.keys };
  }

  /** Adds or removes a node, measuring what moves with the package's analytics. */
  function change(kind, name, weight) {
    const isRing = algo().ring && !algo().bounded;
    const analytic = analyse(kind, name, weight);
    const oldN = state.nodes.length;
    if (kind === 'add') state.nodes.push({ name, weight });
    else state.nodes = state.nodes.filter((n) => n.name !== name);

    if (isRing) {
      if (kind === 'add') state.impl.add(name, { weight }); else state.impl.remove(name);
    } else {
      state.impl?.free();
      state.impl = build();
    }
    state.points = readPoints();
    state.owners = ownersOf(state.impl, state.keys);
    const movedSet = new Set(analytic.keys.moved.map((m) => m.index));
    const now = performance.now();
    state.dots = state.keys.map((_, i) => {
      const moved = movedSet.has(i);
      const old = state.dots[i];
      if (!moved && old && state.points) {
        const w = keyWalk(i);
        return w ? { from: w.frac, to: w.to, t0: -1e9, moved: false } : null;
      }
      return startDot(i, now, moved);
    });
    state.lastMove = {
      kind, name,
      arcFraction: analytic.arc ?? null,
      tableFraction: analytic.table ?? null,
      keyFraction: analytic.keys.movedFraction,
      cascaded: analytic.cascaded ?? null,
      plainArc: analytic.plainArc ?? null,
      // The least any scheme must move: the joining or leaving node's share.
      ideal: analytic.ideal,
      n: oldN,
    };
    renderSide();
    renderMoved();
    schedule();
  }

  function renderMoved() {
    const m = state.lastMove;
    const out = $('#ring-moved');
    if (!m) { out.innerHTML = 'Add or remove a node to see which keys move.'; delete out.dataset.moved; return; }
    const verb = m.kind === 'add' ? `Adding ${m.name} to ${m.n} nodes` : `Removing ${m.name} from ${m.n} nodes`;
    const moved = m.arcFraction ?? m.tableFraction ?? m.keyFraction;
    const idealLabel = m.kind === 'add' ? `1/(N+1) = 1/${m.n + 1}` : `1/N = 1/${m.n}`;
    const of = m.arcFraction !== null ? 'of the hash space' : m.tableFraction !== null ? 'of the lookup table' : null;
    out.dataset.moved = String(moved);
    out.dataset.ideal = String(m.ideal);
    if (m.cascaded !== null) out.dataset.cascaded = String(m.cascaded); else delete out.dataset.cascaded;
    const bounded = m.cascaded === null ? '' : ` ${m.cascaded} of them moved between two nodes that stay (the caps changed, so
      keys overflow differently); a ring without caps would move ${pct(m.plainArc)} of the hash space.`;
    out.innerHTML = `${verb} moved <strong id="ring-moved-pct">${pct(moved)}</strong>
      ${of ? `${of} (${pct(m.keyFraction)} of the ${state.keys.length} keys)` : `of the ${state.keys.length} keys`}
      — ideal share: <strong>${pct(m.ideal)}</strong>${state.nodes.every((n) => n.weight === 1) ? ` (${idealLabel})` : ''}.${bounded}
      ${algo().ring ? 'Moved keys are outlined.' : ''}`;
  }

  /** Node list with weights, and the load bars from the package's stats. */
  function renderSide() {
    const a = algo();
    $('#ring-explain').innerHTML = EXPLAIN[a.bounded ? 'bounded' : a.ring ? 'ring' : state.algo];
    $('#ring-vnodes-label').hidden = !a.ring;
    $('#ring-eps-label').hidden = !a.bounded;
    $('#ring-add-weight').disabled = Boolean(a.noWeights);
    $('#ring-add').disabled = state.nodes.length >= MAX_NODES;
    $('#ring-remove').disabled = state.nodes.length <= 1;
    $('#ring-canvas-wrap').classList.toggle('ring-no-circle', !a.ring);
    root.querySelector('.ring-layout').classList.toggle('ring-bars-only', !a.ring);
    $('#ring-note').textContent = !a.ring
      ? 'This algorithm places keys without a circle, so only the loads are drawn.'
      : a.hash === 'ketama' ? 'Ketama places each key at the first 4 bytes of its MD5 digest, and each server at 4 points per digest.' : '';

    $('#ring-nodes').innerHTML = state.nodes.map((n, i) => `
      <li><span class="swatch" style="background:${colourOf(n.name)}"></span><span class="ring-node-name">${state.algo === 'jump' ? `bucket ${i}` : n.name}</span>
      <label>weight <select data-weight="${n.name}" ${a.noWeights ? 'disabled' : ''} aria-label="weight of ${n.name}">
        ${[0.5, 1, 2, 3].map((w) => `<option ${w === n.weight ? 'selected' : ''}>${w}</option>`).join('')}</select></label>
      <button type="button" data-remove="${n.name}" aria-label="remove ${n.name}" ${state.nodes.length <= 1 || (state.algo === 'jump' && i !== state.nodes.length - 1) ? 'disabled' : ''}>✕</button></li>`).join('');

    // Loads: shares per node and peak/mean, from each algorithm's stats API.
    let rows; let summaryText;
    if (a.bounded) {
      const loads = state.impl.loads();
      const s = state.impl.stats();
      const total = state.impl.total || 1;
      // The cap is drawn on the same scale as the shares: keys over all keys placed.
      rows = loads.map((l) => ({ name: l.node, share: l.share, cap: l.capacity / total }));
      summaryText = `peak/mean ${s.peakToMean.toFixed(3)} (cap 1 + ε = ${(1 + state.impl.epsilon).toFixed(2)}) · peak ${pct(s.peak)} · mean ${pct(s.mean)}`;
      state.peak = s;
    } else if (a.ring) {
      const s = state.impl.stats(state.keys);
      rows = s.nodes.map((n) => ({ name: n.node, share: n.arcShare, sample: n.sampleShare, points: n.points }));
      summaryText = `peak/mean ${s.arc.peakToMean.toFixed(3)} by arc length (${s.sample.peakToMean.toFixed(3)} over the keys) · peak ${pct(s.arc.peak)} · mean ${pct(s.arc.mean)}`;
      state.peak = s.arc;
    } else if (state.algo === 'jump') {
      // Bucket b is the b-th node of the list.
      const s = jumpStats(state.keys, state.nodes.length);
      rows = s.nodes.map((b) => ({ name: state.nodes[b.node].name, share: b.sampleShare }));
      summaryText = `peak/mean ${s.sample.peakToMean.toFixed(3)} over the keys · peak ${pct(s.sample.peak)} · mean ${pct(s.sample.mean)}`;
      state.peak = s.sample;
    } else {
      const s = state.impl.stats(state.keys);
      const main = state.algo === 'maglev' ? s.table : s.sample;
      rows = s.nodes.map((n) => ({ name: n.node, share: n.tableShare ?? n.sampleShare, sample: n.sampleShare }));
      summaryText = `peak/mean ${main.peakToMean.toFixed(3)} ${state.algo === 'maglev' ? `by table entries (${s.sample.peakToMean.toFixed(3)} over the keys)` : 'over the keys'} · peak ${pct(main.peak)} · mean ${pct(main.mean)}`;
      state.peak = main;
    }
    renderBars(rows, state.peak.mean, a);
    const peakEl = $('#ring-peak');
    peakEl.textContent = summaryText;
    peakEl.dataset.peakToMean = String(state.peak.peakToMean);
  }

  function renderBars(rows, mean, a) {
    const W = 320; const rowH = 26; const labelW = 64; const H = rows.length * rowH + 18;
    const max = Math.max(mean * 1.6, ...rows.map((r) => Math.max(r.share, r.sample ?? 0, r.cap ?? 0)));
    const x = (v) => labelW + (W - labelW - 52) * (v / max);
    const mx = x(mean);
    const bars = rows.map((r, i) => {
      const y = i * rowH + 4;
      return `<text x="0" y="${y + 14}" class="ring-bar-label">${r.name}</text>
        <rect x="${labelW}" y="${y}" width="${x(r.share) - labelW}" height="12" fill="${colourOf(r.name)}" stroke="#1b1b1f" stroke-width="0.5"><title>${r.name}: ${pct(r.share)}${r.points ? `, ${r.points} points` : ''}</title></rect>
        ${r.sample !== undefined && a.ring ? `<rect x="${labelW}" y="${y + 14}" width="${x(r.sample) - labelW}" height="5" fill="#5a5a66"><title>${r.name}: ${pct(r.sample)} of the keys</title></rect>` : ''}
        ${r.cap !== undefined ? `<line x1="${x(r.cap)}" x2="${x(r.cap)}" y1="${y - 2}" y2="${y + 16}" stroke="#d55e00" stroke-width="2"><title>cap</title></line>` : ''}
        <text x="${x(r.share) + 4}" y="${y + 11}" class="ring-bar-value">${pct(r.share)}</text>`;
    }).join('');
    $('#ring-bars').innerHTML = `<svg class="ring-bars" viewBox="0 0 ${W} ${H}" role="img" aria-label="share of keys per node; the dashed line is the mean">
      ${bars}
      <line x1="${mx}" x2="${mx}" y1="0" y2="${H - 14}" stroke="#1b1b1f" stroke-dasharray="4 3"/>
      <text x="${mx}" y="${H - 2}" text-anchor="middle" class="ring-bar-value">mean ${pct(mean)}</text>
    </svg>
    <p class="ring-legend">${a.ring && !a.bounded ? 'Thick bar: share of the circle each node owns; thin grey bar: share of the keys. ' : ''}${a.bounded ? 'Bars: keys assigned; red tick: the node’s cap. ' : ''}Dashed line: the mean.</p>`;
  }

  // --- drawing -------------------------------------------------------------

  // Two stacked canvases: the still ring (arcs, ticks, centre text) below, redrawn only when the
  // points change, and the moving keys above, redrawn each animation frame.
  const stillCanvas = $('#ring-still');
  let size = 0;
  let wrapWidth = 0; // from the ResizeObserver, so a frame never forces a layout to read it
  function resize() {
    const css = Math.max(200, Math.min(520, wrapWidth || $('#ring-canvas-wrap').clientWidth || 480));
    if (css === size) return;
    size = css;
    const dpr = window.devicePixelRatio || 1;
    for (const c of [canvas, stillCanvas]) {
      c.width = Math.round(css * dpr);
      c.height = Math.round(css * dpr);
      c.style.width = `${css}px`;
      c.style.height = `${css}px`;
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    still.key = '';
  }

  const geom = () => ({ c: size / 2, R: size / 2 - 24 });
  const at = (frac, r) => { const { c } = geom(); const t = angleOf(frac); return [c + r * Math.cos(t), c + r * Math.sin(t)]; };
  const ease = (t) => (t < 0 ? 0 : t > 1 ? 1 : 1 - (1 - t) ** 3);

  /** Where a key's dot is now, along its clockwise walk. */
  function dotPlace(i, now) {
    const d = state.dots[i];
    if (!d) return null;
    const t = ease((now - d.t0) / WALK_MS);
    const span = (d.to - d.from + 1) % 1;
    const frac = d.from + span * t;
    const { R } = geom();
    const r = R - 12 - (i % 6) * 4 * t;
    return { frac, r, done: t >= 1, moved: d.moved && now - d.t0 < WALK_MS + 2500 };
  }

  let frame = 0;
  function schedule() { if (!frame) frame = requestAnimationFrame(draw); }

  /**
   * The parts of the picture that change only with the points (arcs, ticks, centre text), drawn on
   * the lower canvas once per change: 1,600 arcs stroked per frame cost more than a frame at 200
   * virtual nodes (and copying a layer each frame costs a few ms). Strokes are batched per colour.
   */
  const still = { key: '' };
  function drawStill() {
    const key = `${canvas.width}|${size}|${state.pointsVersion}|${state.keys.length}`;
    if (still.key === key) return;
    still.key = key;
    const o = stillCanvas.getContext('2d');
    o.setTransform(1, 0, 0, 1, 0, 0);
    o.clearRect(0, 0, stillCanvas.width, stillCanvas.height);
    o.setTransform(canvas.width / size, 0, 0, canvas.width / size, 0, 0);
    const { c, R } = geom();
    const p = state.points;
    const n = p ? p.fracs.length : 0;
    // Arcs: each run of the circle coloured by the node whose point ends it (clockwise ownership).
    const arcs = new Map();
    const ticks = new Map();
    for (let k = 0; k < n; k++) {
      const start = p.fracs[(k - 1 + n) % n];
      let end = p.fracs[k];
      if (n === 1 || end <= start) end += 1;
      const col = colourOf(p.owners[k]);
      if (!arcs.has(col)) { arcs.set(col, new Path2D()); ticks.set(col, new Path2D()); }
      const [sx, sy] = at(start, R);
      const a = arcs.get(col);
      a.moveTo(sx, sy);
      a.arc(c, c, R, angleOf(start), angleOf(end));
      // Points: a tick per virtual node.
      const [x0, y0] = at(p.fracs[k], R - 7);
      const [x1, y1] = at(p.fracs[k], R + 9);
      const t = ticks.get(col);
      t.moveTo(x0, y0); t.lineTo(x1, y1);
    }
    o.lineCap = 'butt';
    o.lineWidth = 10;
    for (const [col, path] of arcs) { o.strokeStyle = col; o.stroke(path); }
    o.lineWidth = 1.5;
    for (const [col, path] of ticks) { o.strokeStyle = col; o.stroke(path); }
    // Centre: the node count and the hash mode.
    o.fillStyle = '#1b1b1f';
    o.font = '600 15px system-ui, sans-serif';
    o.textAlign = 'center';
    o.fillText(`${state.nodes.length} nodes · ${n} points`, c, c - 4);
    o.font = '13px system-ui, sans-serif';
    o.fillStyle = '#5a5a66';
    o.fillText(`${state.keys.length} keys · ${algo().hash}`, c, c + 16);
  }

  function draw(now) {
    frame = 0;
    if (root.closest('[hidden]') || !algo().ring) return;
    resize();
    const { c, R } = geom();
    drawStill();
    ctx.clearRect(0, 0, size, size);
    // Keys: one path per colour, and one for the outlines of the keys that moved.
    let animating = false;
    const dots = new Map();
    const outlined = new Path2D();
    for (let i = 0; i < state.keys.length; i++) {
      const d = dotPlace(i, now);
      if (!d) continue;
      if (!d.done || d.moved) animating = true;
      const [x, y] = at(d.frac, d.r);
      const col = colourOf(state.owners[i]);
      let path = dots.get(col);
      if (!path) { path = new Path2D(); dots.set(col, path); }
      const r = d.moved ? 4 : 2.6;
      path.moveTo(x + r, y);
      path.arc(x, y, r, 0, 2 * Math.PI);
      if (d.moved) { outlined.moveTo(x + r, y); outlined.arc(x, y, r, 0, 2 * Math.PI); }
    }
    for (const [col, path] of dots) { ctx.fillStyle = col; ctx.fill(path); }
    ctx.strokeStyle = '#1b1b1f';
    ctx.lineWidth = 1.5;
    ctx.stroke(outlined);
    // The focused key's walk: from its hash position clockwise to its owner's point.
    const f = focusWalk();
    if (f) {
      const { w, owner } = f;
      const end = w.to < w.frac ? w.to + 1 : w.to;
      ctx.strokeStyle = '#1b1b1f';
      ctx.lineWidth = 3;
      ctx.setLineDash([5, 4]);
      ctx.beginPath(); ctx.arc(c, c, R + 16, angleOf(w.frac), angleOf(end)); ctx.stroke();
      ctx.setLineDash([]);
      const [kx, ky] = at(w.frac, R + 16);
      ctx.fillStyle = '#ffffff'; ctx.strokeStyle = '#1b1b1f'; ctx.lineWidth = 2;
      ctx.beginPath(); ctx.arc(kx, ky, 5, 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
      // Bounded loads: the points of full nodes the key walked past, crossed out in their colour.
      if (w.points && w.points.length > 1) {
        ctx.lineWidth = 2;
        for (let j = 0; j < w.points.length - 1; j++) {
          const f = state.points.fracs[w.points[j]];
          const [px, py] = at(f, R + 16);
          ctx.strokeStyle = colourOf(state.points.owners[w.points[j]]);
          ctx.beginPath();
          ctx.moveTo(px - 4, py - 4); ctx.lineTo(px + 4, py + 4);
          ctx.moveTo(px + 4, py - 4); ctx.lineTo(px - 4, py + 4);
          ctx.stroke();
        }
        ctx.strokeStyle = '#1b1b1f';
      }
      const [ox, oy] = at(w.to, R + 16);
      ctx.fillStyle = colourOf(owner);
      ctx.beginPath(); ctx.arc(ox, oy, 6, 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
    }
    if (animating) schedule();
  }

  /** The focused key's walk, asked of the package once per key and ring state, not per frame. */
  let focusCache = { key: null };
  function focusWalk() {
    if (state.focusKey === null) return null;
    const cacheKey = `${state.focus}|${state.focusKey}|${state.pointsVersion}`;
    if (focusCache.key === cacheKey) return focusCache.walk;
    const owner = state.focus >= 0 ? state.owners[state.focus] : lookupOwner(state.focusKey);
    const w = owner === undefined ? null : walkOf(state.focusKey, owner);
    focusCache = { key: cacheKey, walk: w ? { w, owner } : null };
    return focusCache.walk;
  }

  function lookupOwner(key) {
    if (state.algo === 'jump') return state.nodes[jumpHashMany([key], state.nodes.length)[0]]?.name;
    if (algo().bounded) return state.impl.peek(key);
    return state.impl.get(key);
  }

  const hex = (pos) => `0x${pos.toString(16).padStart(state.points?.bits === 32 ? 8 : 16, '0')}`;

  /** Writes a key's hash and walk into `el` (the tooltip or the lookup output), with the walk's points as data. */
  function describe(el, key, owner) {
    const w = walkOf(key, owner);
    if (!w) {
      el.textContent = `${key} → ${owner}`;
      delete el.dataset.points; delete el.dataset.skipped;
      return;
    }
    const skipping = w.skipped.length ? `(skipping full ${w.skipped.join(', ')}) ` : '';
    el.textContent = `${key}: hash ${hex(w.pos)} = ${pct(w.frac)} of the circle → walks clockwise ${w.passed ? `past ${w.passed} point${w.passed > 1 ? 's' : ''} ${skipping}` : ''}to a point of ${owner} at ${pct(w.to)}`;
    el.dataset.points = w.points ? Array.from(w.points).join(',') : String(w.point);
    el.dataset.skipped = w.skipped.join(',');
  }

  // --- events --------------------------------------------------------------

  canvas.addEventListener('mousemove', (e) => {
    if (!algo().ring) return;
    const rect = canvas.getBoundingClientRect();
    const mx = e.clientX - rect.left; const my = e.clientY - rect.top;
    const now = performance.now();
    let best = -1; let bestD = 64;
    for (let i = 0; i < state.keys.length; i++) {
      const d = dotPlace(i, now);
      if (!d) continue;
      const [x, y] = at(d.frac, d.r);
      const dd = (x - mx) ** 2 + (y - my) ** 2;
      if (dd < bestD) { bestD = dd; best = i; }
    }
    const tip = $('#ring-tip');
    if (best < 0) {
      if (state.focus >= 0) { state.focus = -1; state.focusKey = null; tip.hidden = true; schedule(); }
      return;
    }
    if (best !== state.focus) {
      state.focus = best;
      state.focusKey = state.keys[best];
      describe(tip, state.keys[best], state.owners[best]);
      tip.hidden = false;
      schedule();
    }
    tip.style.left = `${Math.min(mx + 12, size - 200)}px`;
    tip.style.top = `${my + 12}px`;
  });
  canvas.addEventListener('mouseleave', () => {
    $('#ring-tip').hidden = true;
    state.focus = -1;
    state.focusKey = null;
    showLookup();
  });

  function showLookup() {
    const key = $('#ring-lookup').value;
    const out = $('#ring-lookup-out');
    if (!key) { out.textContent = ''; state.focusKey = null; schedule(); return; }
    const owner = lookupOwner(key);
    describe(out, key, owner);
    out.dataset.owner = owner;
    state.focus = -1;
    state.focusKey = key;
    schedule();
  }

  $('#ring-lookup').addEventListener('input', showLookup);
  $('#ring-algo').addEventListener('change', (e) => {
    state.algo = e.target.value;
    if (state.algo === 'maglev' || state.algo === 'jump') for (const n of state.nodes) n.weight = 1;
    rebuild(); showLookup();
  });
  $('#ring-vnodes').addEventListener('input', (e) => {
    state.vnodes = Number(e.target.value);
    $('#ring-vnodes-out').textContent = e.target.value;
    rebuild(); showLookup();
  });
  $('#ring-eps').addEventListener('change', (e) => {
    const v = Number(e.target.value);
    if (Number.isFinite(v) && v > 0) { state.epsilon = v; rebuild(); showLookup(); }
  });
  $('#ring-keycount').addEventListener('change', () => { rebuild(); showLookup(); });
  $('#ring-add').addEventListener('click', () => {
    const name = NAMES.find((nm) => !state.nodes.some((n) => n.name === nm));
    if (!name) return;
    change('add', name, algo().noWeights ? 1 : Number($('#ring-add-weight').value));
    showLookup();
  });
  $('#ring-remove').addEventListener('click', () => {
    if (state.nodes.length <= 1) return;
    change('remove', state.nodes[state.nodes.length - 1].name);
    showLookup();
  });
  $('#ring-nodes').addEventListener('click', (e) => {
    const name = e.target.closest('[data-remove]')?.dataset.remove;
    if (name) { change('remove', name); showLookup(); }
  });
  $('#ring-nodes').addEventListener('change', (e) => {
    const name = e.target.dataset.weight;
    if (!name) return;
    state.nodes.find((n) => n.name === name).weight = Number(e.target.value);
    rebuild(); showLookup();
  });
  new ResizeObserver(([e]) => { wrapWidth = e.contentRect.width; size = 0; schedule(); }).observe($('#ring-canvas-wrap'));
  // The panel may mount hidden; draw again when it is shown.
  new MutationObserver(() => { size = 0; schedule(); }).observe(root, { attributes: true, attributeFilter: ['hidden'] });

  rebuild();
  showLookup();
}
