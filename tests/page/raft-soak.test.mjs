// Soak of the Raft panel: the page plays its simulated cluster at the highest speed the
// slider offers, and memory is sampled at fixed intervals: the JS heap (after a forced
// garbage collection, CDP Runtime.getHeapUsage) and wasm memory (the byte length of
// every WebAssembly.Memory in the page, found through CDP Runtime.queryObjects, so the
// page exposes nothing for the test). A panel that keeps some record of every event
// grows without bound the longer it plays; one that keeps only what it shows levels off.
//
// The rule, for each of the two figures: after the first sample (page loaded and
// playing), the second half of the run may add at most a quarter of what the first half
// added, plus 1 MiB. Memory growing at a steady rate adds as much in each half and fails;
// memory that fills caches and then stays flat passes.
//
//   node --test tests/page/raft-soak.test.mjs           1 minute, a sample every 5 s
//   QUORUMKIT_LONG=1 node --test tests/page/raft-soak.test.mjs
//                                                       30 minutes, a sample each minute
//   RAFT_SOAK_MINUTES=N …                               any length (a sample each minute
//                                                       from 3 minutes on)
//
// The samples are printed as test diagnostics: wall time, virtual time, JS heap, wasm memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pageSuite } from '../helpers/page-suite.mjs';

const LONG = process.env.QUORUMKIT_LONG === '1';
const MINUTES = Number(process.env.RAFT_SOAK_MINUTES ?? (LONG ? 30 : 1));
const SAMPLE_MS = MINUTES >= 3 ? 60_000 : 5_000;
const SAMPLES = Math.max(2, Math.round((MINUTES * 60_000) / SAMPLE_MS));
/** The second half may add at most this share of the first half's growth … */
const SECOND_HALF_SHARE = 0.25;
/** … plus this many bytes (allocator and collector noise). */
const SLACK = 1 << 20;

const suite = pageSuite();

/** JS heap in use after a full garbage collection, in bytes. */
async function jsHeap(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  return (await cdp.send('Runtime.getHeapUsage')).usedSize;
}

/** The total byte length of every WebAssembly.Memory alive in the page. */
async function wasmMemory(cdp) {
  const group = 'raft-soak';
  try {
    const { result: proto } = await cdp.send('Runtime.evaluate', { expression: 'WebAssembly.Memory.prototype', objectGroup: group });
    const { objects } = await cdp.send('Runtime.queryObjects', { prototypeObjectId: proto.objectId, objectGroup: group });
    const { result } = await cdp.send('Runtime.callFunctionOn', {
      objectId: objects.objectId,
      functionDeclaration: 'function () { return this.reduce((sum, m) => sum + m.buffer.byteLength, 0); }',
      returnByValue: true,
    });
    return result.value;
  } finally {
    await cdp.send('Runtime.releaseObjectGroup', { objectGroup: group });
  }
}

const mib = (b) => `${(b / (1 << 20)).toFixed(2)} MiB`;

/** Whether growth flattens by the rule above; returns { ok, first, second }. */
function flattens(values) {
  const mid = values[Math.floor((values.length - 1) / 2)];
  const first = mid - values[0];
  const second = values.at(-1) - mid;
  return { ok: second <= Math.max(0, first) * SECOND_HALF_SHARE + SLACK, first, second };
}

test(`raft panel at top speed for ${MINUTES} min: JS heap and wasm memory level off`, {
  timeout: MINUTES * 60_000 + 120_000,
}, async (t) => {
  const { page, problems } = await suite.open('#raft');
  const cdp = await page.context().newCDPSession(page);
  const max = await page.getAttribute('#rf-speed', 'max');
  await page.fill('#rf-speed', max);
  await page.locator('#rf-speed').dispatchEvent('input');
  await page.waitForFunction(() => Number(document.querySelector('#rf-status').dataset.time) > 0);

  const virtualTime = async () => Number(await page.getAttribute('#rf-status', 'data-time'));
  const samples = [];
  const t0 = Date.now();
  for (let k = 0; k <= SAMPLES; k++) {
    if (k > 0) await page.waitForTimeout(Math.max(0, t0 + k * SAMPLE_MS - Date.now()));
    const s = { wall: (Date.now() - t0) / 1000, time: await virtualTime(), heap: await jsHeap(cdp), wasm: await wasmMemory(cdp) };
    samples.push(s);
    t.diagnostic(`${s.wall.toFixed(0)} s: virtual ${(s.time / 1000).toFixed(0)} s, JS heap ${mib(s.heap)}, wasm ${mib(s.wasm)}`);
  }

  const status = await page.$eval('#rf-status', (e) => ({ ...e.dataset }));
  assert.equal(status.playing, 'true', 'still playing');
  assert.equal(status.stopped, 'false', 'the run never stopped (no invariant violated)');
  assert.ok(samples.at(-1).time > samples[0].time, 'virtual time moved on');
  for (const [name, key] of [['JS heap', 'heap'], ['wasm memory', 'wasm']]) {
    const { ok, first, second } = flattens(samples.map((s) => s[key]));
    assert.ok(ok, `${name} grew ${mib(first)} in the first half and ${mib(second)} in the second: `
      + `more than ${SECOND_HALF_SHARE} × the first half + ${mib(SLACK)}`);
  }
  assert.deepEqual(problems, []);
  await page.close();
});
