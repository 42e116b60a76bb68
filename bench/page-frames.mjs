// Frame and load times of the page in the machine's Chromium (the set-up the page tests use):
// p50/p95/max of the intervals between requestAnimationFrame timestamps while a panel animates,
// the page's own work per animation frame, long tasks, and the load time (navigation start to the
// Ring panel drawn and its controls enabled). A measurement to print, not a test: no assertions.
//
// Usage: node bench/page-frames.mjs [--only=ring,raft,load] [--seconds=8] [--loads=7] [--speed=0]
//   ring: the Ring panel with 1,000 keys while nodes are added and removed (animation running),
//         for a few algorithms and vnode counts;
//   raft: the Raft panel with 9 nodes, 10 % drop and a client request every 100 ms, per speed
//         (--speed: log10 of the speed slider; default -1, 0 and 1), and the scrub-back time;
//   load: median of --loads loads from localhost, each in a fresh browser context (no HTTP cache),
//         from the Vite dev server (`npm start`; its first load, cold server, reported apart),
//         from a production build (`vite build`, served by `vite preview`, uncompressed), and from
//         that build over a network emulated by Chromium (--net=<Mbit/s>,<round trip ms>, default
//         10,40), where the bytes a panel downloads show.
// bench/raft-frames.mjs is this script with --only=raft.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build as viteBuild, preview } from 'vite';
import { root } from '../scripts/lib.mjs';
import { launch } from '../tests/helpers/browser.mjs';
import { startPageServer } from '../tests/helpers/page-server.mjs';

const argv = process.argv.slice(2);
const opt = (name, d) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? d;
const seconds = Number(opt('seconds', 8));
const loads = Number(opt('loads', 7));
const only = new Set(opt('only', 'ring,raft,load').split(','));
const speeds = opt('speed', null) === null ? [-1, 0, 1] : [Number(opt('speed'))];
const [netMbit, netRtt] = opt('net', '10,40').split(',').map(Number);

const pct = (xs, p) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor(p * xs.length))] : NaN);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const f1 = (x, w = 6) => x.toFixed(1).padStart(w);
const summary = [];

const server = await startPageServer();
const browser = await launch();

/** Times each requestAnimationFrame callback (the page's own work per frame) once __measure is set. */
function instrument() {
  const raf = window.requestAnimationFrame.bind(window);
  window.__work = [];
  window.requestAnimationFrame = (cb) => raf((ts) => {
    const t = performance.now();
    cb(ts);
    if (window.__measure) window.__work.push(performance.now() - t);
  });
}

/**
 * Records rAF timestamps for `ms` while `act` (a function source run in the page every
 * `every` ms) drives the panel; returns sorted frame intervals, per-frame work and long tasks.
 */
async function measure(page, ms, every, act) {
  return page.evaluate(async ({ ms, every, act }) => {
    const stamps = [];
    let longTasks = 0;
    const po = new PerformanceObserver((l) => { longTasks += l.getEntries().length; });
    po.observe({ type: 'longtask' });
    window.__work = [];
    window.__measure = true;
    // eslint-disable-next-line no-new-func
    const step = new Function('n', act);
    let n = 0;
    const acts = [];
    const timer = setInterval(() => { const t = performance.now(); step(n++); acts.push(performance.now() - t); }, every);
    await new Promise((done) => {
      const end = performance.now() + ms;
      const tick = (ts) => {
        stamps.push(ts);
        if (ts < end) requestAnimationFrame(tick); else done();
      };
      requestAnimationFrame(tick);
    });
    clearInterval(timer);
    window.__measure = false;
    po.disconnect();
    const d = [];
    for (let i = 1; i < stamps.length; i++) d.push(stamps[i] - stamps[i - 1]);
    return { d: d.sort((a, b) => a - b), work: window.__work.sort((a, b) => a - b), acts: acts.sort((a, b) => a - b), longTasks, steps: n };
  }, { ms, every, act });
}

const header = 'frames  p50 ms  p95 ms  max ms  long tasks  rAF work p50/p95/max ms  action p50/max ms';
const row = (r) => `${String(r.d.length).padStart(6)}  ${f1(pct(r.d, 0.5))}  ${f1(pct(r.d, 0.95))}  ${f1(r.d.at(-1) ?? NaN)}  ${String(r.longTasks).padStart(10)}  ${pct(r.work, 0.5).toFixed(2)}/${pct(r.work, 0.95).toFixed(2)}/${(r.work.at(-1) ?? NaN).toFixed(2)}  ${pct(r.acts, 0.5).toFixed(1)}/${(r.acts.at(-1) ?? NaN).toFixed(1)}`;

if (only.has('ring')) {
  console.log('\nRing panel, 1,000 keys, a node added or removed every 600 ms (keys walk 900 ms, moved keys stay outlined 2.5 s)');
  console.log(`algorithm  vnodes  ${header}`);
  for (const [algo, vnodes] of [['xxh3', 20], ['xxh3', 200], ['ketama', 200], ['seed', 200], ['bounded', 200]]) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.addInitScript(instrument);
    await page.goto(`${server.url}#ring`);
    await page.waitForSelector('body[data-ready=true]', { state: 'attached' });
    await page.selectOption('#ring-algo', algo);
    await page.selectOption('#ring-keycount', '1000');
    await page.$eval('#ring-vnodes', (e, v) => { e.value = String(v); e.dispatchEvent(new Event('input')); }, vnodes);
    await page.waitForTimeout(500);
    // Grow to 8 nodes and shrink back to 4, over and over.
    const act = `const add = (n % 8) < 4; document.querySelector(add ? '#ring-add' : '#ring-remove').click();`;
    const r = await measure(page, seconds * 1000, 600, act);
    console.log(`${algo.padEnd(9)}  ${String(vnodes).padStart(6)}  ${row(r)}`);
    summary.push(`ring ${algo} vnodes ${vnodes}: p50 ${pct(r.d, 0.5).toFixed(1)} ms, p95 ${pct(r.d, 0.95).toFixed(1)} ms`);
    await page.close();
  }
}

if (only.has('raft')) {
  const scrubs = [];
  console.log('\nRaft panel, 9 nodes, 10 % drop, a client request every 100 ms, latency 5–25 ms');
  console.log(`speed (virtual/real)  ${header}  virtual ms run`);
  for (const speed of speeds) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.addInitScript(instrument);
    await page.goto(`${server.url}#raft`);
    await page.waitForSelector('body[data-ready=true]', { state: 'attached' });
    await page.selectOption('#rf-nodes', '9');
    await page.$eval('#rf-drop', (e) => { e.value = '0.1'; e.dispatchEvent(new Event('change')); });
    await page.$eval('#rf-speed', (e, v) => { e.value = String(v); e.dispatchEvent(new Event('input')); }, speed);
    await page.waitForTimeout(1000);
    const t0 = Number(await page.getAttribute('#rf-status', 'data-time'));
    const r = await measure(page, seconds * 1000, 100, `document.querySelector('#rf-propose').click();`);
    const t1 = Number(await page.getAttribute('#rf-status', 'data-time'));
    const x = 10 ** speed;
    console.log(`${x.toFixed(2).padStart(8)}×              ${row(r)}  ${String(t1 - t0).padStart(14)}`);
    summary.push(`raft 9 nodes ${x.toFixed(2)}×: p50 ${pct(r.d, 0.5).toFixed(1)} ms, p95 ${pct(r.d, 0.95).toFixed(1)} ms`);
    // Scrubbing back rebuilds from the seed and replays every action: how long it takes to show.
    await page.click('#rf-play');
    const back = Math.floor(t1 / 2);
    const scrubMs = await page.evaluate(async (v) => {
      const s = document.querySelector('#rf-scrub');
      const t = performance.now();
      s.value = String(v);
      s.dispatchEvent(new Event('input'));
      while (Number(document.querySelector('#rf-status').dataset.time) !== v) await new Promise(requestAnimationFrame);
      return performance.now() - t;
    }, back);
    const actions = await page.getAttribute('#rf-status', 'data-actions');
    scrubs.push(`${x.toFixed(2)}×: back to ${back} ms of ${t1} ms (${actions} actions) in ${scrubMs.toFixed(0)} ms`);
    await page.close();
  }
  console.log(`Scrub back (rebuild + replay, until drawn):\n  ${scrubs.join('\n  ')}`);
}

if (only.has('load')) {
  // Interactive: main.js has mounted every panel and wired its controls (body[data-ready]), the Ring
  // panel's add button is enabled, and the ring canvas has ink at the end of an animation frame.
  function watchLoad() {
    window.__load = {};
    const check = () => {
      const c = document.querySelector('#ring-still') ?? document.querySelector('#ring-canvas');
      const ready = document.body?.dataset.ready === 'true' && !document.querySelector('#ring-add')?.disabled;
      if (ready && window.__load.ready === undefined) window.__load.ready = performance.now();
      if (ready && c && c.width > 0) {
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let ink = 0;
        for (let i = 3; i < d.length && ink < 1000; i += 16) if (d[i]) ink++;
        if (ink >= 1000) { window.__load.drawn = performance.now(); return; }
      }
      requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  }
  async function loadTimes(url, net = null) {
    const rows = [];
    for (let i = 0; i <= loads; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
      const page = await context.newPage();
      if (net) {
        const cdp = await context.newCDPSession(page);
        await cdp.send('Network.enable');
        await cdp.send('Network.emulateNetworkConditions', {
          offline: false, latency: net.rtt, downloadThroughput: (net.mbit * 1e6) / 8, uploadThroughput: (net.mbit * 1e6) / 8,
        });
      }
      await page.addInitScript(watchLoad);
      await page.goto(url);
      await page.waitForFunction(() => window.__load?.drawn !== undefined, null, { timeout: 30_000 });
      rows.push(await page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN;
        const wasm = performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'));
        return {
          dcl: nav.domContentLoadedEventEnd, fcp,
          wasm: wasm ? wasm.responseEnd : NaN, ready: window.__load.ready, drawn: window.__load.drawn,
          requests: performance.getEntriesByType('resource').length + 1,
        };
      }));
      await context.close();
    }
    return rows;
  }
  console.log(`\nPage load from localhost, fresh browser context per load, ms from navigation start`);
  console.log('load                DOMContentLoaded  first paint  wasm fetched  controls ready  ring drawn (interactive)  requests');
  const fmt = (name, r) => `${name.padEnd(18)}  ${f1(r.dcl, 16)}  ${f1(r.fcp, 11)}  ${f1(r.wasm, 12)}  ${f1(r.ready, 14)}  ${f1(r.drawn, 24)}  ${String(r.requests).padStart(8)}`;
  const med = (rows) => Object.fromEntries(Object.keys(rows[0]).map((k) => [k, median(rows.map((r) => r[k]))]));
  const range = (rows) => `${Math.min(...rows.map((r) => r.drawn)).toFixed(0)}–${Math.max(...rows.map((r) => r.drawn)).toFixed(0)} ms`;

  const dev = await loadTimes(server.url);
  const devMed = med(dev.slice(1));
  console.log(fmt('dev, first (cold)', dev[0]));
  console.log(fmt(`dev, median of ${dev.length - 1}`, devMed));

  // The production build, as a deployment would serve it.
  const outDir = mkdtempSync(join(tmpdir(), 'quorumkit-page-'));
  await viteBuild({ configFile: join(root, 'www', 'vite.config.js'), build: { outDir, emptyOutDir: true }, logLevel: 'error' });
  const prev = await preview({ configFile: join(root, 'www', 'vite.config.js'), build: { outDir }, preview: { port: 0, host: '127.0.0.1' }, logLevel: 'error' });
  const prodUrl = `http://127.0.0.1:${prev.httpServer.address().port}/`;
  const prod = (await loadTimes(prodUrl)).slice(1);
  const prodMed = med(prod);
  console.log(fmt(`build, median of ${prod.length}`, prodMed));
  const slow = (await loadTimes(prodUrl, { mbit: netMbit, rtt: netRtt })).slice(1);
  const slowMed = med(slow);
  console.log(fmt(`build, ${netMbit} Mbit/s ${netRtt} ms`, slowMed));
  console.log(`ring drawn, range: dev ${range(dev.slice(1))}, build ${range(prod)}`);
  await new Promise((done) => prev.httpServer.close(done));
  rmSync(outDir, { recursive: true, force: true });
  summary.push(`load to interactive (ring drawn), median: dev server ${devMed.drawn.toFixed(0)} ms (first, cold: ${dev[0].drawn.toFixed(0)} ms), production build ${prodMed.drawn.toFixed(0)} ms, over ${netMbit} Mbit/s with ${netRtt} ms round trips ${slowMed.drawn.toFixed(0)} ms`);
}

console.log(`\nSummary:\n  ${summary.join('\n  ')}`);
await browser.close();
await server.close();
