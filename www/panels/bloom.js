// Bloom filters panel: the bit array as a grid, the k probe positions of the
// key being typed, add/check with the filter's answer, the added keys, and a
// chart of the measured false-positive rate against the filter's estimate.
// Every bit, position, count and rate comes from the quorumkit package; the
// page only keeps the list of keys the user added, to draw and to label.
import { BlockedBloomFilter, BloomFilter, CountingBloomFilter, ScalableBloomFilter } from 'quorumkit/bloom';
import { mountParquet } from './bloom-parquet.js';

export const id = 'bloom';

/** The grid stays readable up to about this many bits (classic and counting). */
const MAX_BITS = 10_000;
/** Keys never added, tested after every add to measure the false-positive rate. */
const PROBES = Array.from({ length: 4000 }, (_, i) => `absent probe #${i}`);
const WORDS = ['apple', 'river', 'stone', 'cloud', 'maple', 'ember', 'delta', 'lotus', 'comet', 'pixel',
  'raven', 'cedar', 'orbit', 'quartz', 'tulip', 'nova', 'fjord', 'mango', 'ivory', 'blaze'];

const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();
const fmtPct = (x) => (x === 0 ? '0 %' : x < 0.001 ? `${(100 * x).toPrecision(2)} %` : `${(100 * x).toFixed(2)} %`);
const esc = (s) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

export function mount(root) {
  root.innerHTML = `
    <h2>Bloom filters</h2>
    <p class="explain">A Bloom filter remembers a set in a few bits per key. Adding a key hashes it to
    <em>k</em> positions in an array of <em>m</em> bits and sets them. To check a key, look at its
    <em>k</em> positions: if any is 0 the key was <strong>definitely not</strong> added; if all are 1 it
    <strong>probably</strong> was — other keys may have set those bits, which is a false positive. The more
    keys you add, the more bits are set and the more often that happens. Type a key to see where it lands.</p>

    <div class="bl-controls">
      <label>Filter <select id="bl-variant">
        <option value="classic">classic</option>
        <option value="counting">counting (4-bit counters, can remove)</option>
        <option value="scalable">scalable (adds stages as it fills)</option>
        <option value="blocked">blocked (one 512-bit cache line per key)</option>
      </select></label>
      <fieldset class="bl-sizing">
        <legend>Size by</legend>
        <label><input type="radio" name="bl-mode" value="np" checked> n and p</label>
        <label><input type="radio" name="bl-mode" value="mk"> m and k</label>
      </fieldset>
      <span class="bl-np">
        <label>n (expected keys) <input id="bl-n" type="number" min="1" max="1000" step="1" value="100"></label>
        <label>p (false-positive rate) <input id="bl-p" type="number" min="0.0001" max="0.5" step="0.001" value="0.01"></label>
      </span>
      <span class="bl-mk" hidden>
        <label>m (bits) <input id="bl-m" type="number" min="8" max="${MAX_BITS}" step="1" value="960"></label>
        <label>k (probes) <input id="bl-k" type="number" min="1" max="32" step="1" value="7"></label>
      </span>
    </div>
    <p class="bl-error" id="bl-error" role="alert"></p>

    <div class="bl-controls">
      <label>Key <input id="bl-key" size="18" spellcheck="false" autocomplete="off" value="alice"></label>
      <button id="bl-add" type="button">Add</button>
      <button id="bl-check" type="button">Check</button>
      <button id="bl-remove" type="button" hidden>Remove</button>
      <button id="bl-add-10" type="button">Add 10 random keys</button>
      <button id="bl-add-100" type="button">Add 100</button>
      <button id="bl-clear" type="button">Clear</button>
    </div>
    <p class="bl-answer"><output id="bl-answer" aria-live="polite"></output></p>

    <div class="bl-stats" id="bl-stats" aria-live="polite">
      <span>m = <output id="bl-size"></output> bits</span>
      <span>k = <output id="bl-hashes"></output></span>
      <span>keys added <output id="bl-count"></output></span>
      <span>set <output id="bl-ones"></output></span>
      <span>fill <output id="bl-fill"></output></span>
      <span>estimated FP <output id="bl-est"></output></span>
      <span>estimated keys <output id="bl-estcount"></output></span>
    </div>
    <p class="bl-legend">
      <span><span class="swatch bl-sw-off"></span>0</span>
      <span><span class="swatch bl-sw-on"></span>1 (set)</span>
      <span><span class="swatch bl-sw-hit"></span>probe lands on a 1</span>
      <span><span class="swatch bl-sw-miss"></span>probe lands on a 0 (✕)</span>
    </p>
    <div class="bl-grid-wrap" id="bl-grid-wrap">
      <canvas id="bl-grid" role="img" aria-label="The filter's bit array"></canvas>
    </div>
    <p class="explain" id="bl-variant-note"></p>
    <div class="bl-block" id="bl-block-wrap" hidden>
      <h3>The key's block</h3>
      <p class="bl-chart-caption"><output id="bl-block-caption" aria-live="polite"></output></p>
      <canvas id="bl-block" role="img" aria-label="The 512 bits of the key's block"></canvas>
    </div>

    <button id="bl-keys-toggle" type="button" aria-expanded="false" aria-controls="bl-keys">Show added keys (0)</button>
    <ul class="bl-keys" id="bl-keys" hidden></ul>

    <h3>False positives as the filter fills</h3>
    <p class="explain">After every add, the page asks the filter about ${PROBES.length.toLocaleString('en')} keys
    that were never added (one <code>hasMany</code> call); every “probably yes” among them is a false positive.
    The <span class="bl-ink-est">dashed line</span> is the filter's own estimate, fill ratio<sup>k</sup>
    (<code>estimatedFpRate()</code>); the <span class="bl-ink-target">dotted line</span> is the rate p it was
    sized for, which it reaches at n keys.</p>
    <canvas id="bl-chart" role="img" aria-label="Measured against estimated false-positive rate"></canvas>
    <p class="bl-chart-caption"><output id="bl-measured" aria-live="polite"></output></p>
    <section id="bl-parquet"></section>`;
  mountParquet(root.querySelector('#bl-parquet'));

  const $ = (sel) => root.querySelector(sel);
  const grid = $('#bl-grid');
  const blockCanvas = $('#bl-block');
  const chart = $('#bl-chart');

  let filter = null;
  let variant = 'classic';
  let target = { n: 0, p: 0 };
  let keys = [];
  let keySet = new Set();
  let points = [];
  let randomCounter = 0;

  // ---- building -------------------------------------------------------------
  const mode = () => root.querySelector('input[name=bl-mode]:checked').value;

  const rebuild = () => {
    $('#bl-error').textContent = '';
    const old = filter;
    filter = null;
    variant = $('#bl-variant').value;
    try {
      if (variant === 'scalable' || mode() === 'np') {
        const n = Number($('#bl-n').value);
        const p = Number($('#bl-p').value);
        if (variant === 'scalable') filter = new ScalableBloomFilter(n, p);
        else filter = CLASSES[variant].withRate(n, p);
        target = { n, p };
      } else {
        const m = Number($('#bl-m').value);
        const k = Number($('#bl-k').value);
        if (m > MAX_BITS) throw new RangeError(`m must be at most ${MAX_BITS} bits for the grid, got ${m}`);
        filter = new CLASSES[variant](m, k);
        target = { n: 0, p: 0 };
      }
      if (variant !== 'scalable' && filter.size > MAX_BITS) {
        const size = filter.size;
        filter.free();
        filter = null;
        throw new RangeError(`these n and p need ${size} bits; the grid draws at most ${MAX_BITS}: lower n or raise p`);
      }
    } catch (e) {
      $('#bl-error').textContent = e.message;
      filter = old; // keep showing the previous filter
      return;
    }
    old?.free();
    keys = [];
    keySet = new Set();
    points = [];
    measure();
    $('#bl-remove').hidden = variant !== 'counting';
    root.querySelector('.bl-mk').hidden = variant === 'scalable' || mode() !== 'mk';
    root.querySelector('.bl-np').hidden = !(variant === 'scalable' || mode() === 'np');
    $('#bl-variant-note').innerHTML = NOTES[variant];
    $('#bl-block-wrap').hidden = variant !== 'blocked';
    $('#bl-answer').textContent = '';
    update();
  };

  const CLASSES = { classic: BloomFilter, counting: CountingBloomFilter, blocked: BlockedBloomFilter };

  const NOTES = {
    classic: '',
    blocked: `<strong>Blocked filter.</strong> The bits are cut into blocks of 512, one 64-byte cache line
      each. A key's hash picks one block, and its k bits are all set inside that block, so checking a key
      reads one cache line instead of k scattered ones. Keys crowd some blocks more than others, so it needs
      a few more bits per key for the same p; sized by n and p it takes them. With m and k, m must be a
      multiple of 512.`,
    counting: `<strong>Counting filter.</strong> Each cell is a 4-bit counter instead of a bit: adding a key
      increments its k counters, removing it decrements them, and a cell counts as “set” while its counter is
      above 0. The number in a cell is its counter. It costs four times the memory; a counter that reaches 15
      stays there for ever, so removal can never cause a false negative.`,
    scalable: `<strong>Scalable filter.</strong> It starts with one stage sized for n keys. When that stage has
      taken n keys, it adds a new stage twice as large at a tighter false-positive rate (0.9× the previous
      one), so the overall rate stays below p however many keys arrive. A key is probably present if any stage
      says so; new keys go into the newest stage. Each band below is one stage.`,
  };

  // ---- the filter's answers -------------------------------------------------
  const measure = () => {
    const hits = filter.hasMany(PROBES);
    let fp = 0;
    for (let i = 0; i < hits.length; i++) fp += hits[i];
    points.push({ n: keys.length, measured: fp / PROBES.length, est: filter.estimatedFpRate() });
  };

  const addKeys = (list) => {
    const fresh = list.filter((k) => !keySet.has(k));
    try {
      if (list.length === 1) filter.add(list[0]);
      else filter.addMany(list);
    } catch (e) {
      $('#bl-error').textContent = e.message;
      return;
    }
    for (const k of fresh) { keys.push(k); keySet.add(k); }
    if (fresh.length) measure();
  };

  const answerFor = (key) => {
    const yes = filter.has(key);
    const out = $('#bl-answer');
    out.dataset.answer = yes ? 'probably yes' : 'definitely not';
    out.className = yes ? 'bl-yes' : 'bl-no';
    out.textContent = yes
      ? `“${key}”: probably yes${keySet.has(key) ? ' — it was added.' : ' — but it was never added: a false positive, its k bits were all set by other keys.'}`
      : `“${key}”: definitely not — at least one of its k bits is 0.`;
  };

  const currentKey = () => $('#bl-key').value;

  $('#bl-add').addEventListener('click', () => {
    const key = currentKey();
    addKeys([key]);
    answerFor(key);
    update();
  });
  $('#bl-check').addEventListener('click', () => { answerFor(currentKey()); update(); });
  $('#bl-remove').addEventListener('click', () => {
    const key = currentKey();
    if (!keySet.has(key)) {
      $('#bl-answer').textContent = `“${key}” was never added; removing it could erase other keys' counts, so the page only removes keys you added.`;
      return;
    }
    filter.remove(key);
    keySet.delete(key);
    keys = keys.filter((k) => k !== key);
    measure();
    answerFor(key);
    update();
  });
  const addRandom = (count) => {
    // In batches of 10, so the chart gets a point every 10 keys.
    for (let b = 0; b < count; b += 10) {
      const batch = [];
      for (let i = 0; i < 10; i++) {
        randomCounter++;
        batch.push(`${WORDS[Math.floor(Math.random() * WORDS.length)]}-${randomCounter}`);
      }
      addKeys(batch);
    }
    update();
  };
  $('#bl-add-10').addEventListener('click', () => addRandom(10));
  $('#bl-add-100').addEventListener('click', () => addRandom(100));
  $('#bl-clear').addEventListener('click', () => rebuild());
  $('#bl-key').addEventListener('input', () => { $('#bl-answer').textContent = ''; schedule(); });
  $('#bl-key').addEventListener('keydown', (e) => { if (e.key === 'Enter') $('#bl-add').click(); });
  for (const sel of ['#bl-variant', '#bl-n', '#bl-p', '#bl-m', '#bl-k']) $(sel).addEventListener('change', rebuild);
  for (const r of root.querySelectorAll('input[name=bl-mode]')) r.addEventListener('change', rebuild);

  $('#bl-keys-toggle').addEventListener('click', () => {
    const open = $('#bl-keys').hidden;
    $('#bl-keys').hidden = !open;
    $('#bl-keys-toggle').setAttribute('aria-expanded', String(open));
    update();
  });
  $('#bl-keys').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-key]');
    if (!b) return;
    $('#bl-key').value = b.dataset.key;
    answerFor(b.dataset.key);
    schedule();
  });

  // ---- text that follows the filter -----------------------------------------
  const update = () => {
    const count = variant === 'scalable' ? filter.estimatedCount() : keys.length;
    $('#bl-size').textContent = filter.size.toLocaleString('en');
    $('#bl-hashes').textContent = variant === 'scalable' ? `${filter.hashes} (newest stage)` : filter.hashes;
    $('#bl-count').textContent = count.toLocaleString('en');
    const ones = variant === 'scalable' ? onesOfScalable() : filter.countOnes();
    $('#bl-ones').textContent = ones.toLocaleString('en');
    $('#bl-ones').dataset.value = String(ones);
    $('#bl-ones').insertAdjacentText('beforeend', variant === 'counting' ? ' counters' : ' bits');
    $('#bl-fill').textContent = fmtPct(filter.fillRatio());
    $('#bl-est').textContent = fmtPct(filter.estimatedFpRate());
    $('#bl-est').dataset.value = String(filter.estimatedFpRate());
    const ec = filter.estimatedCount();
    $('#bl-estcount').textContent = Number.isFinite(ec) ? ec.toFixed(variant === 'scalable' ? 0 : 1) : '∞ (all bits set)';
    $('#bl-keys-toggle').textContent = `${$('#bl-keys').hidden ? 'Show' : 'Hide'} added keys (${keys.length})`;
    if (!$('#bl-keys').hidden) {
      const shown = keys.slice(-300);
      $('#bl-keys').innerHTML = (keys.length > shown.length ? `<li class="bl-more">… ${keys.length - shown.length} earlier keys</li>` : '')
        + shown.map((k) => `<li><button type="button" data-key="${esc(k)}">${esc(k)}</button></li>`).join('');
    }
    const last = points[points.length - 1];
    $('#bl-measured').textContent = last
      ? `After ${last.n} keys: measured ${fmtPct(last.measured)} false positives, estimated ${fmtPct(last.est)}${target.p ? `, sized for ${fmtPct(target.p)} at ${target.n} keys` : ''}.`
      : '';
    schedule();
  };

  const onesOfScalable = () => {
    let ones = 0;
    for (let i = 0; i < filter.stages; i++) ones += filter.stage(i).ones;
    return ones;
  };

  // ---- drawing (once per animation frame) -----------------------------------
  let pending = false;
  const schedule = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; drawGrid(); drawBlock(); drawChart(); });
  };
  new ResizeObserver(schedule).observe($('#bl-grid-wrap'));

  const sizeCanvas = (canvas, w, h) => {
    const dpr = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
      canvas.style.width = `${w}px`;
      canvas.style.height = `${h}px`;
    }
    const ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    return ctx;
  };

  /** The blocks to draw: one for classic and counting, one per stage for scalable. */
  const blocks = () => {
    const key = currentKey();
    if (variant !== 'scalable') {
      return [{ size: filter.size, bits: filter.bits, probes: key ? filter.positions(key) : null, label: null }];
    }
    const out = [];
    for (let s = 0; s < filter.stages; s++) {
      const info = filter.stage(s);
      const probes = key ? filter.positions(key, s) : null;
      // Read the view after positions(): a long key may grow wasm memory.
      out.push({ size: info.size, bits: filter.stageBits(s), probes, label: `stage ${s}: ${info.size} bits, k = ${info.hashes}, ${info.count}/${info.capacity} keys` });
    }
    return out;
  };

  const drawGrid = () => {
    if (!filter) return;
    const width = Math.max(200, $('#bl-grid-wrap').clientWidth);
    const bl = blocks();
    const total = bl.reduce((a, b) => a + b.size, 0);
    const maxH = variant === 'scalable' ? 520 : 420;
    // Square cells as large as fit the width and a bounded height.
    let cell = Math.floor(Math.sqrt((width * maxH) / total));
    cell = Math.max(1, Math.min(28, cell));
    const cols = Math.max(1, Math.floor(width / cell));
    const labelH = variant === 'scalable' ? 18 : 0;
    const layout = [];
    let y = 0;
    for (const b of bl) {
      const rows = Math.ceil(b.size / cols);
      layout.push({ ...b, y: y + labelH });
      y += labelH + rows * cell + (labelH ? 6 : 0);
    }
    const ctx = sizeCanvas(grid, cols * cell, y);
    const colours = { off: css('--line'), on: css('--c5'), hit: css('--c1'), miss: css('--c6'), fg: css('--fg') };
    const gap = cell >= 4 ? 1 : 0;
    let setCount = 0;
    for (const b of layout) {
      if (b.label) {
        ctx.fillStyle = colours.fg;
        ctx.font = '12px system-ui, sans-serif';
        ctx.fillText(b.label, 0, b.y - 5);
      }
      const at = (i) => [(i % cols) * cell, b.y + Math.floor(i / cols) * cell];
      const value = variant === 'counting'
        ? (i) => (b.bits[i >> 1] >> (4 * (i & 1))) & 15
        : (i) => (b.bits[i >> 3] >> (i & 7)) & 1;
      ctx.fillStyle = colours.off;
      for (let i = 0; i < b.size; i++) {
        if (value(i)) continue;
        const [x, yy] = at(i);
        ctx.fillRect(x, yy, cell - gap, cell - gap);
      }
      ctx.fillStyle = colours.on;
      for (let i = 0; i < b.size; i++) {
        const v = value(i);
        if (!v) continue;
        setCount++;
        const [x, yy] = at(i);
        if (variant === 'counting') ctx.globalAlpha = 0.45 + 0.55 * Math.min(v, 4) / 4;
        ctx.fillRect(x, yy, cell - gap, cell - gap);
      }
      ctx.globalAlpha = 1;
      if (variant === 'counting' && cell >= 12) {
        ctx.fillStyle = '#fff';
        ctx.font = `${Math.floor(cell * 0.7)}px ui-monospace, monospace`;
        ctx.textAlign = 'center';
        ctx.textBaseline = 'middle';
        for (let i = 0; i < b.size; i++) {
          const v = value(i);
          if (!v) continue;
          const [x, yy] = at(i);
          ctx.fillText(String(v), x + (cell - gap) / 2, yy + (cell - gap) / 2 + 1);
        }
        ctx.textAlign = 'start';
        ctx.textBaseline = 'alphabetic';
      }
      if (b.probes) {
        const s = Math.max(cell, 5);
        for (const p of b.probes) {
          const [x0, y0] = at(p);
          const x = x0 + (cell - s) / 2;
          const yy = y0 + (cell - s) / 2;
          const on = value(p) > 0;
          ctx.fillStyle = on ? colours.hit : colours.miss;
          ctx.fillRect(x - 1, yy - 1, s + 1, s + 1);
          ctx.strokeStyle = colours.fg;
          ctx.lineWidth = 1;
          ctx.strokeRect(x - 1.5, yy - 1.5, s + 2, s + 2);
          if (!on) { // a cross, so "lands on a 0" does not rely on colour alone
            ctx.strokeStyle = '#fff';
            ctx.lineWidth = Math.max(1, s / 6);
            ctx.beginPath();
            ctx.moveTo(x + s * 0.2, yy + s * 0.2); ctx.lineTo(x + s * 0.8 - 1, yy + s * 0.8 - 1);
            ctx.moveTo(x + s * 0.8 - 1, yy + s * 0.2); ctx.lineTo(x + s * 0.2, yy + s * 0.8 - 1);
            ctx.stroke();
          }
        }
      }
    }
    const key = currentKey();
    const probeText = key && variant !== 'scalable' ? `; “${key}” probes ${[...bl[0].probes].join(', ')}` : '';
    grid.dataset.set = String(setCount);
    grid.setAttribute('aria-label', `The filter's ${variant === 'counting' ? 'counters' : 'bits'}: ${setCount} of ${total} set${probeText}`);
    $('#bl-grid-wrap').dataset.probes = key && variant !== 'scalable' ? [...bl[0].probes].join(',') : '';
  };

  /** The key's 512-bit block as 8 rows of 64 bits (one u64 word per row), its k bits outlined. */
  const drawBlock = () => {
    if (!filter || variant !== 'blocked') return;
    const key = currentKey();
    const probes = key ? filter.positions(key) : null;
    const bits = filter.bits; // after positions(): a long key may grow wasm memory
    const block = probes ? Math.floor(probes[0] / 512) : 0;
    const width = Math.max(200, Math.min(760, $('#bl-grid-wrap').clientWidth));
    const cell = Math.max(3, Math.floor(width / 64));
    const ctx = sizeCanvas(blockCanvas, cell * 64, cell * 8);
    const colours = { off: css('--line'), on: css('--c5'), hit: css('--c1'), miss: css('--c6'), fg: css('--fg') };
    const gap = cell >= 4 ? 1 : 0;
    const base = block * 512;
    const value = (i) => (bits[(base + i) >> 3] >> ((base + i) & 7)) & 1;
    let ones = 0;
    for (let i = 0; i < 512; i++) {
      const v = value(i);
      ones += v;
      ctx.fillStyle = v ? colours.on : colours.off;
      ctx.fillRect((i % 64) * cell, Math.floor(i / 64) * cell, cell - gap, cell - gap);
    }
    const mine = probes ? [...new Set([...probes].map((p) => p - base))] : [];
    let missing = 0;
    for (const b of mine) {
      const on = value(b) > 0;
      if (!on) missing++;
      const x = (b % 64) * cell;
      const y = Math.floor(b / 64) * cell;
      ctx.fillStyle = on ? colours.hit : colours.miss;
      ctx.fillRect(x, y, cell - gap, cell - gap);
      ctx.strokeStyle = colours.fg;
      ctx.lineWidth = 1;
      ctx.strokeRect(x + 0.5, y + 0.5, cell - gap - 1, cell - gap - 1);
    }
    const text = key
      ? `“${key}” → block ${block} of ${filter.blocks} (bits ${base}–${base + 511}), ${ones} of its 512 bits set; `
        + `its ${filter.hashes} bits are ${mine.sort((a, b) => a - b).join(', ')}${mine.length < filter.hashes ? ' (some repeat)' : ''}: `
        + (missing ? `${missing} of them 0, so definitely not added.` : 'all set, so probably added.')
      : 'Type a key to see its block.';
    $('#bl-block-caption').textContent = text;
    blockCanvas.dataset.block = key ? String(block) : '';
    blockCanvas.dataset.bits = mine.join(',');
    blockCanvas.setAttribute('aria-label', text);
  };

  const drawChart = () => {
    const width = Math.min(720, Math.max(260, $('#bl-grid-wrap').clientWidth));
    const height = 220;
    const ctx = sizeCanvas(chart, width, height);
    const pad = { l: 52, r: 12, t: 10, b: 30 };
    const w = width - pad.l - pad.r;
    const h = height - pad.t - pad.b;
    const maxN = Math.max(10, target.n * 1.5, ...points.map((q) => q.n));
    const maxY = Math.max(0.02, target.p * 2, ...points.map((q) => Math.max(q.measured, q.est))) * 1.05;
    const X = (n) => pad.l + (n / maxN) * w;
    const Y = (v) => pad.t + h - (v / maxY) * h;
    const muted = css('--muted');
    ctx.strokeStyle = css('--line');
    ctx.fillStyle = muted;
    ctx.font = '11px system-ui, sans-serif';
    ctx.lineWidth = 1;
    for (let i = 0; i <= 4; i++) {
      const v = (maxY * i) / 4;
      ctx.beginPath(); ctx.moveTo(pad.l, Y(v)); ctx.lineTo(pad.l + w, Y(v)); ctx.stroke();
      ctx.fillText(fmtPct(v), 2, Y(v) + 4);
    }
    for (let i = 0; i <= 5; i++) {
      const n = Math.round((maxN * i) / 5);
      ctx.textAlign = i === 0 ? 'left' : i === 5 ? 'right' : 'center';
      ctx.fillText(String(n), X(n), height - 14);
    }
    ctx.textAlign = 'start';
    ctx.textAlign = 'right';
    ctx.fillText('keys added', pad.l + w, height - 2);
    ctx.textAlign = 'start';
    if (target.p) {
      ctx.strokeStyle = css('--c3');
      ctx.setLineDash([2, 3]);
      ctx.lineWidth = 1.5;
      ctx.beginPath(); ctx.moveTo(pad.l, Y(target.p)); ctx.lineTo(pad.l + w, Y(target.p)); ctx.stroke();
      if (variant !== 'scalable') { ctx.beginPath(); ctx.moveTo(X(target.n), pad.t); ctx.lineTo(X(target.n), pad.t + h); ctx.stroke(); }
    }
    const line = (field, colour, dash) => {
      ctx.strokeStyle = colour;
      ctx.setLineDash(dash);
      ctx.lineWidth = 2;
      ctx.beginPath();
      points.forEach((q, i) => (i ? ctx.lineTo(X(q.n), Y(q[field])) : ctx.moveTo(X(q.n), Y(q[field]))));
      ctx.stroke();
    };
    line('est', css('--c1'), [6, 4]);
    line('measured', css('--c5'), []);
    ctx.setLineDash([]);
    ctx.fillStyle = css('--c5');
    for (const q of points) ctx.fillRect(X(q.n) - 1.5, Y(q.measured) - 1.5, 3, 3);
    ctx.font = '12px system-ui, sans-serif';
    ctx.fillText('— measured', pad.l + 8, pad.t + 12);
    ctx.fillStyle = css('--c1');
    ctx.fillText('- - estimated', pad.l + 90, pad.t + 12);
    if (target.p) { ctx.fillStyle = css('--c3'); ctx.fillText('··· target p', pad.l + 180, pad.t + 12); }
    chart.setAttribute('aria-label', $('#bl-measured').textContent || 'No keys added yet');
  };

  rebuild();
}
