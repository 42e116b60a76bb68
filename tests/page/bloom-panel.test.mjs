// Playwright tier for the Bloom panel: what the page shows must be what the
// package computes. Each test rebuilds the same filter in Node (the same
// quorumkit package, from pkg/) with the same keys and compares.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BlockedBloomFilter, BloomFilter, CountingBloomFilter, ScalableBloomFilter } from 'quorumkit';
import { pageSuite } from '../helpers/page-suite.mjs';

const suite = pageSuite();

const openPanel = (viewport = { width: 1200, height: 900 }) => suite.open('#bloom', viewport);

/** The keys the page lists as added, in order. */
async function addedKeys(page) {
  if ((await page.getAttribute('#bl-keys-toggle', 'aria-expanded')) !== 'true') await page.click('#bl-keys-toggle');
  return page.$$eval('#bl-keys button[data-key]', (bs) => bs.map((b) => b.dataset.key));
}

const shownOnes = async (page) => Number(await page.getAttribute('#bl-ones', 'data-value'));
/** The grid is drawn in the next animation frame; wait for it to show `ones` set cells. */
const gridShows = (page, ones) => page.waitForFunction((n) => document.querySelector('#bl-grid').dataset.set === String(n), ones);

test('bloom panel: added keys report "probably yes" and the set-bit count matches the API', async () => {
  const { page, problems } = await openPanel();
  for (const key of ['alice', 'bob', 'carol']) {
    await page.fill('#bl-key', key);
    await page.click('#bl-add');
  }
  await page.fill('#bl-key', 'dave');
  await page.press('#bl-key', 'Enter'); // the keyboard adds too
  for (let i = 0; i < 3; i++) await page.click('#bl-add-10');

  const keys = await addedKeys(page);
  assert.equal(keys.length, 34);
  assert.deepEqual(keys.slice(0, 4), ['alice', 'bob', 'carol', 'dave']);

  const ref = BloomFilter.withRate(100, 0.01);
  ref.addMany(keys);
  assert.equal(await page.textContent('#bl-size'), ref.size.toLocaleString('en'));
  assert.equal(await page.textContent('#bl-hashes'), String(ref.hashes));
  assert.equal(await shownOnes(page), ref.countOnes());
  await gridShows(page, ref.countOnes());

  for (const key of ['alice', keys[20]]) {
    await page.fill('#bl-key', key);
    await page.click('#bl-check');
    assert.equal(await page.getAttribute('#bl-answer', 'data-answer'), 'probably yes', key);
  }
  // A key the reference filter rejects must be "definitely not" on the page too.
  const absent = Array.from({ length: 50 }, (_, i) => `never-added-${i}`).find((k) => !ref.has(k));
  await page.fill('#bl-key', absent);
  await page.click('#bl-check');
  assert.equal(await page.getAttribute('#bl-answer', 'data-answer'), 'definitely not');

  // Typing highlights exactly the package's k probe positions, live.
  await page.fill('#bl-key', 'erin');
  await page.waitForFunction((p) => document.querySelector('#bl-grid-wrap').dataset.probes === p, [...ref.positions('erin')].join(','));

  // The FP chart's figures come from the filter.
  assert.match(await page.textContent('#bl-measured'), /^After 34 keys: measured \d+(\.\d+)? % false positives, estimated/);
  assert.equal(Number(await page.getAttribute('#bl-est', 'data-value')), ref.estimatedFpRate());
  ref.free();
  await page.locator('#panel-bloom').screenshot({ path: join(suite.shots, 'bloom-panel.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('bloom panel: m and k sizing builds the filter the API builds from them', async () => {
  const { page, problems } = await openPanel();
  await page.check('input[name=bl-mode][value=mk]');
  await page.fill('#bl-m', '500');
  await page.press('#bl-m', 'Tab');
  await page.fill('#bl-k', '3');
  await page.press('#bl-k', 'Tab');
  for (const key of ['x', 'y', 'z']) {
    await page.fill('#bl-key', key);
    await page.click('#bl-add');
  }
  const ref = new BloomFilter(500, 3);
  ref.addMany(['x', 'y', 'z']);
  assert.equal(await page.textContent('#bl-size'), '500');
  assert.equal(await shownOnes(page), ref.countOnes());
  ref.free();
  // Out-of-range sizes are refused with the package's message, and the old filter stays.
  await page.fill('#bl-k', '0');
  await page.press('#bl-k', 'Tab');
  assert.match(await page.textContent('#bl-error'), /hashes/);
  assert.equal(await page.textContent('#bl-size'), '500');
  assert.deepEqual(problems, []);
  await page.close();
});

test('bloom panel: counting variant counts, removes, and matches the API', async () => {
  const { page, problems } = await openPanel();
  await page.selectOption('#bl-variant', 'counting');
  assert.equal(await page.locator('#bl-remove').isVisible(), true);
  for (const key of ['alice', 'bob']) {
    await page.fill('#bl-key', key);
    await page.click('#bl-add');
  }
  await page.click('#bl-add-10');
  await page.fill('#bl-key', 'bob');
  await page.click('#bl-remove');
  const keys = await addedKeys(page);
  assert.ok(!keys.includes('bob'));
  const ref = CountingBloomFilter.withRate(100, 0.01);
  ref.addMany(['alice', 'bob', ...keys.slice(1)]);
  ref.remove('bob');
  assert.equal(await shownOnes(page), ref.countOnes());
  await gridShows(page, ref.countOnes());
  assert.equal(await page.getAttribute('#bl-answer', 'data-answer'), ref.has('bob') ? 'probably yes' : 'definitely not');
  ref.free();
  assert.deepEqual(problems, []);
  await page.close();
});

test('bloom panel: scalable variant grows stages and matches the API', async () => {
  const { page, problems } = await openPanel();
  await page.selectOption('#bl-variant', 'scalable');
  await page.fill('#bl-n', '20');
  await page.press('#bl-n', 'Tab');
  await page.click('#bl-add-100');
  const keys = await addedKeys(page);
  const ref = new ScalableBloomFilter(20, 0.01);
  ref.addMany(keys);
  assert.ok(ref.stages >= 2);
  let ones = 0;
  for (let s = 0; s < ref.stages; s++) ones += ref.stage(s).ones;
  assert.equal(await shownOnes(page), ones);
  assert.equal(await page.textContent('#bl-size'), ref.size.toLocaleString('en'));
  await gridShows(page, ones);
  await page.fill('#bl-key', keys[3]);
  await page.click('#bl-check');
  assert.equal(await page.getAttribute('#bl-answer', 'data-answer'), 'probably yes');
  ref.free();
  assert.deepEqual(problems, []);
  await page.close();
});

test('bloom panel: blocked variant draws the key\'s block and its k bits as the API places them', async () => {
  const { page, problems } = await openPanel();
  await page.selectOption('#bl-variant', 'blocked');
  assert.equal(await page.locator('#bl-block').isVisible(), true);
  for (const key of ['alice', 'bob']) {
    await page.fill('#bl-key', key);
    await page.click('#bl-add');
  }
  await page.click('#bl-add-10');
  const keys = await addedKeys(page);
  const ref = BlockedBloomFilter.withRate(100, 0.01);
  ref.addMany(keys);
  assert.equal(await page.textContent('#bl-size'), ref.size.toLocaleString('en'));
  assert.equal(await page.textContent('#bl-hashes'), String(ref.hashes));
  assert.equal(await shownOnes(page), ref.countOnes());
  await gridShows(page, ref.countOnes());
  // The block view shows the block the package picks and the bits inside it the key sets.
  for (const key of ['alice', 'zed']) {
    await page.fill('#bl-key', key);
    const p = [...ref.positions(key)];
    const block = Math.floor(p[0] / 512);
    assert.ok(p.every((b) => Math.floor(b / 512) === block));
    const bits = [...new Set(p.map((b) => b - block * 512))].sort((a, b) => a - b).join(',');
    await page.waitForFunction(([b, want]) => {
      const c = document.querySelector('#bl-block');
      return c.dataset.block === b && c.dataset.bits === want;
    }, [String(block), bits]);
    const caption = await page.textContent('#bl-block-caption');
    assert.match(caption, ref.has(key) ? /all set, so probably added/ : /definitely not added/);
    await page.click('#bl-check');
    assert.equal(await page.getAttribute('#bl-answer', 'data-answer'), ref.has(key) ? 'probably yes' : 'definitely not');
  }
  ref.free();
  await page.locator('#panel-bloom').screenshot({ path: join(suite.shots, 'bloom-panel-blocked.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('bloom panel: fits a phone-width screen without horizontal scrolling', async () => {
  const { page, problems } = await openPanel({ width: 360, height: 740 });
  await page.click('#bl-add-10');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('bloom panel: a Parquet file\'s row groups, probed as a reader would, answer as the package does', async () => {
  const { readFileSync } = await import('node:fs');
  const { SplitBlockBloomFilter, parquetKey } = await import('quorumkit');
  const { page, problems } = await openPanel();
  await page.click('#bl-pq-example');
  await page.waitForSelector('#bl-pq-table:not([hidden]) tr[data-row-group="3"]');
  // The example: user_id row group g holds g*1000 .. g*1000+199.
  await page.fill('#bl-pq-value', '2042');
  await page.click('#bl-pq-probe');
  await page.waitForFunction(() => document.querySelector('#bl-pq-summary').dataset.read === '1');
  const answers = await page.$$eval('#bl-pq-table tbody tr', (rs) => rs.map((r) => r.dataset.answer));
  assert.deepEqual(answers, ['skip', 'skip', 'read', 'skip']);
  // The same as the package answers on the same bytes, for a value no row group holds.
  await page.fill('#bl-pq-value', '77777');
  await page.press('#bl-pq-value', 'Enter');
  const shown = await page.$$eval('#bl-pq-table tbody tr', (rs) => rs.map((r) => r.dataset.answer));
  const bytes = readFileSync(new URL('../../examples/parquet-prune/events.parquet', import.meta.url));
  const offsets = [[6_984, 272], [7_303, 272], [7_622, 272], [7_941, 272]];
  const want = offsets.map(([at, len]) => {
    const f = SplitBlockBloomFilter.fromParquet(bytes.subarray(at, at + len));
    const may = f.has(parquetKey(77777n, 'INT64'));
    f.free();
    return may ? 'read' : 'skip';
  });
  assert.deepEqual(shown, want);
  // A string column, and a value of the wrong type says so.
  await page.selectOption('#bl-pq-column', 'country');
  await page.fill('#bl-pq-value', 'country-010');
  await page.click('#bl-pq-probe');
  assert.deepEqual(await page.$$eval('#bl-pq-table tbody tr', (rs) => rs.map((r) => r.dataset.answer)), ['read', 'read', 'skip', 'skip']);
  await page.selectOption('#bl-pq-column', 'user_id');
  await page.fill('#bl-pq-value', 'abc');
  await page.click('#bl-pq-probe');
  assert.match(await page.textContent('#bl-pq-error'), /INT64 column needs an integer/);
  assert.deepEqual(problems, []);
});
