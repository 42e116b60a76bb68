// Frame times of the Raft panel with 9 nodes under load, in the machine's
// Chromium: p50/p95/max of the intervals between requestAnimationFrame
// timestamps, and long tasks. A measurement to print, not a test.
// Usage: node bench/raft-frames.mjs [--seconds=8] [--speed=0]   (speed: log10 of the speed slider)
import { launch } from '../tests/helpers/browser.mjs';
import { startPageServer } from '../tests/helpers/page-server.mjs';

const arg = (name, d) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? d);
const seconds = arg('seconds', 8);
const speeds = process.argv.some((a) => a.startsWith('--speed=')) ? [arg('speed', 0)] : [-1, 0, 1];

const server = await startPageServer();
const browser = await launch();
const scrubs = [];
const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))];
console.log('Raft panel, 9 nodes, 10 % drop, a client request every 100 ms, latency 5–25 ms');
console.log('speed (virtual/real)  frames  p50 ms  p95 ms  max ms  long tasks  virtual ms run  messages drawn (mean)  rAF work p50/p95 ms');
for (const speed of speeds) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  // Time each animation-frame callback: the page's own work per frame, apart from what other
  // processes on the machine cost the frame rate.
  await page.addInitScript(() => {
    const raf = window.requestAnimationFrame.bind(window);
    window.__work = [];
    window.requestAnimationFrame = (cb) => raf((ts) => {
      const t = performance.now();
      cb(ts);
      if (window.__measure) window.__work.push(performance.now() - t);
    });
  });
  await page.goto(`${server.url}#raft`);
  await page.waitForSelector('body[data-ready=true]', { state: 'attached' });
  await page.selectOption('#rf-nodes', '9');
  await page.$eval('#rf-drop', (e) => { e.value = '0.1'; e.dispatchEvent(new Event('change')); });
  await page.$eval('#rf-speed', (e, v) => { e.value = String(v); e.dispatchEvent(new Event('input')); }, speed);
  await page.waitForTimeout(1000);
  const t0 = Number(await page.getAttribute('#rf-status', 'data-time'));
  const r = await page.evaluate(async (ms) => {
    const stamps = [];
    let longTasks = 0;
    let msgs = 0;
    const po = new PerformanceObserver((l) => { longTasks += l.getEntries().length; });
    po.observe({ type: 'longtask' });
    window.__measure = true;
    const load = setInterval(() => document.querySelector('#rf-propose').click(), 100);
    await new Promise((done) => {
      const end = performance.now() + ms;
      const tick = (ts) => {
        stamps.push(ts);
        msgs += Number(/m(\d+)$/.exec(document.querySelector('#rf-status').dataset.digest)?.[1] ?? 0);
        if (ts < end) requestAnimationFrame(tick);
        else done();
      };
      requestAnimationFrame(tick);
    });
    clearInterval(load);
    window.__measure = false;
    po.disconnect();
    const d = [];
    for (let i = 1; i < stamps.length; i++) d.push(stamps[i] - stamps[i - 1]);
    return { d, longTasks, msgs: msgs / stamps.length, actions: Number(document.querySelector('#rf-status').dataset.actions), work: window.__work.sort((a, b) => a - b) };
  }, seconds * 1000);
  const t1 = Number(await page.getAttribute('#rf-status', 'data-time'));
  const d = r.d.sort((a, b) => a - b);
  const x = 10 ** speed;
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
  scrubs.push(`${x.toFixed(2)}×: back to ${back} ms of ${t1} ms (${r.actions} actions) in ${scrubMs.toFixed(0)} ms`);
  console.log(`${x.toFixed(2).padStart(8)}×            ${String(d.length).padStart(6)}  ${pct(d, 0.5).toFixed(1).padStart(6)}  ${pct(d, 0.95).toFixed(1).padStart(6)}  ${d.at(-1).toFixed(1).padStart(6)}  ${String(r.longTasks).padStart(10)}  ${String(t1 - t0).padStart(14)}  ${r.msgs.toFixed(1).padStart(8)}  ${pct(r.work, 0.5).toFixed(2)}/${pct(r.work, 0.95).toFixed(2)}`);
  await page.close();
}
console.log(`Scrub back (rebuild + replay, until drawn):\n  ${scrubs.join('\n  ')}`);
await browser.close();
await server.close();
