// Playwright tier for the ring panel: it draws, adding a node reports a sane
// "% moved" against the ideal, and the load chart shows peak/mean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { crc32, BoundedLoadRing, HashRing, Maglev, Rendezvous, jumpStats } from 'quorumkit';
import { pageSuite } from '../helpers/page-suite.mjs';

const suite = pageSuite();

const open = (viewport = { width: 1200, height: 1000 }) => suite.open('#ring', viewport);

/** The moved fraction shown, read from the text (and cross-checked with the data attribute). */
async function movedPercent(page) {
  const text = await page.textContent('#ring-moved-pct');
  const m = /^(\d+(?:\.\d)?) %$/.exec(text);
  assert.ok(m, `"% moved" figure shown, got ${JSON.stringify(text)}`);
  const shown = Number(m[1]);
  const data = Number(await page.getAttribute('#ring-moved', 'data-moved'));
  assert.ok(Math.abs(shown - 100 * data) < 0.06, 'text and data agree');
  return shown;
}

test('ring panel renders the circle, the node list and a load chart with peak/mean', async () => {
  const { page, problems } = await open();
  assert.equal(await page.locator('#panel-ring canvas#ring-canvas').isVisible(), true);
  const box = await page.locator('#ring-canvas').boundingBox();
  assert.ok(box.width >= 240 && box.height >= 240, 'canvas has a size');
  // Something is drawn: the canvas is not blank.
  const inked = await page.$eval('#ring-canvas', (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n;
  });
  assert.ok(inked > 1000, `canvas has ink (${inked} pixels)`);
  assert.equal(await page.locator('#ring-nodes li').count(), 4);
  assert.equal(await page.locator('#ring-bars svg rect').count() >= 4, true);
  const peak = await page.textContent('#ring-peak');
  assert.match(peak, /peak\/mean \d\.\d{3}/);
  assert.match(peak, /mean 25\.0 %/);
  const ratio = Number(await page.getAttribute('#ring-peak', 'data-peak-to-mean'));
  assert.ok(ratio >= 1 && ratio < 3, `peak/mean ${ratio} is plausible`);
  await page.screenshot({ path: join(suite.shots, 'ring-panel.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('ring panel: adding a node shows "% moved" in a sane range against the ideal 1/(N+1)', async () => {
  const { page, problems } = await open();
  for (const algo of ['xxh3', 'seed', 'ketama', 'bounded', 'rendezvous', 'jump', 'maglev']) {
    await page.selectOption('#ring-algo', algo);
    assert.equal(await page.locator('#ring-moved-pct').count(), 0, `${algo}: nothing moved before a change`);
    await page.click('#ring-add');
    const moved = await movedPercent(page);
    assert.ok(moved > 0 && moved <= 60, `${algo}: ${moved} % moved on adding a 5th node`);
    const ideal = Number(await page.getAttribute('#ring-moved', 'data-ideal'));
    assert.ok(Math.abs(ideal - 1 / 5) < 1e-9, `${algo}: ideal is 1/(N+1) = 20 %, got ${ideal}`);
    assert.match(await page.textContent('#ring-moved'), /ideal[^:]*: 20\.0 %/);
    assert.equal(await page.locator('#ring-nodes li').count(), 5);
    await page.click('#ring-remove');
    const back = await movedPercent(page);
    assert.ok(back > 0 && back <= 60, `${algo}: ${back} % moved on removing it`);
    assert.equal(await page.locator('#ring-nodes li').count(), 4);
    assert.match(await page.textContent('#ring-peak'), /peak\/mean \d\.\d{3}/);
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test('ring panel: the controls are keyboard-operable and the key lookup shows the hash and the walk', async () => {
  const { page, problems } = await open();
  await page.focus('#ring-add');
  await page.keyboard.press('Enter');
  await movedPercent(page);
  await page.focus('#ring-vnodes');
  const before = await page.textContent('#ring-canvas-wrap + .ring-side #ring-peak');
  await page.keyboard.press('End');
  assert.equal(await page.textContent('#ring-vnodes-out'), '200');
  assert.notEqual(await page.textContent('#ring-peak'), before, 'more vnodes change the balance');
  await page.selectOption('#ring-algo', 'seed');
  await page.fill('#ring-lookup', 'user:42');
  const out = await page.textContent('#ring-lookup-out');
  // The hash shown is the package's CRC-32 of the key, and the owner is what ring.get says.
  const crc = `0x${crc32('user:42').toString(16).padStart(8, '0')}`;
  assert.ok(out.startsWith(`user:42: hash ${crc} = `), out);
  assert.match(out, /walks clockwise .*to a point of node-[A-H] at \d+\.\d %$/);
  // Hovering a key dot shows the tooltip.
  const box = await page.locator('#ring-canvas').boundingBox();
  let shown = false;
  for (let a = 0; a < 360 && !shown; a += 3) {
    const r = box.width / 2 - 24 - 12;
    await page.mouse.move(box.x + box.width / 2 + r * Math.cos(a * Math.PI / 180), box.y + box.height / 2 + r * Math.sin(a * Math.PI / 180));
    shown = await page.locator('#ring-tip').isVisible();
  }
  assert.ok(shown, 'hovering near the keys shows a tooltip');
  assert.match(await page.textContent('#ring-tip'), /^user:\d+: hash 0x[0-9a-f]{8} = /);
  assert.deepEqual(problems, []);
  await page.close();
});

/** Moves the mouse around the key circle until the tooltip shows; returns its text or null. */
async function hoverAKey(page) {
  const box = await page.locator('#ring-canvas').boundingBox();
  for (let a = 0; a < 360; a += 3) {
    const r = box.width / 2 - 24 - 12;
    await page.mouse.move(box.x + box.width / 2 + r * Math.cos(a * Math.PI / 180), box.y + box.height / 2 + r * Math.sin(a * Math.PI / 180));
    if (await page.locator('#ring-tip').isVisible()) return page.textContent('#ring-tip');
  }
  return null;
}

test('ring panel: ketama keys sit on the circle at the package\'s MD5 position, with the hover walk', async () => {
  const { page, problems } = await open();
  await page.selectOption('#ring-algo', 'ketama');
  assert.doesNotMatch(await page.textContent('#ring-note'), /does not expose/);
  await page.fill('#ring-lookup', 'user:42');
  const out = await page.textContent('#ring-lookup-out');
  const ring = new HashRing({ hash: 'ketama' });
  const pos = `0x${ring.keyPosition('user:42').toString(16).padStart(8, '0')}`;
  ring.free();
  assert.ok(out.startsWith(`user:42: hash ${pos} = `), out);
  assert.match(out, /to a point of node-[A-H] at \d+\.\d %$/);
  const tip = await hoverAKey(page);
  assert.ok(tip, 'hovering near the keys shows a tooltip in ketama mode');
  assert.match(tip, /^user:\d+: hash 0x[0-9a-f]{8} = \d+\.\d % of the circle → walks clockwise/);
  // Keys animate on the circle: the canvas has the dots' ink, not only the ring.
  await page.screenshot({ path: join(suite.shots, 'ring-panel-ketama.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('ring panel: jump-hash loads are the package\'s jumpStats', async () => {
  const { page, problems } = await open();
  await page.selectOption('#ring-algo', 'jump');
  const keys = Array.from({ length: 300 }, (_, i) => `user:${i}`);
  const want = jumpStats(keys, 4);
  const shown = Number(await page.getAttribute('#ring-peak', 'data-peak-to-mean'));
  assert.equal(shown, want.sample.peakToMean);
  assert.match(await page.textContent('#ring-peak'), new RegExp(`peak/mean ${want.sample.peakToMean.toFixed(3)}`));
  const titles = await page.$$eval('#ring-bars svg rect title', (ts) => ts.map((t) => t.textContent));
  assert.deepEqual(titles, want.nodes.map((b) => `node-${'ABCD'[b.node]}: ${(100 * b.sampleShare).toFixed(1)} %`));
  assert.deepEqual(problems, []);
  await page.close();
});

test('ring panel: "% moved" and the ideal come from the package for Rendezvous (weighted) and Maglev (table)', async () => {
  const { page, problems } = await open();
  const names = ['node-A', 'node-B', 'node-C', 'node-D'];
  const keys = Array.from({ length: 300 }, (_, i) => `user:${i}`);
  await page.selectOption('#ring-algo', 'rendezvous');
  await page.selectOption('#ring-add-weight', '2');
  await page.click('#ring-add');
  const hrw = new Rendezvous();
  for (const n of names) hrw.add(n);
  const want = hrw.movementOnAdd('node-E', { weight: 2, sampleKeys: keys });
  hrw.free();
  assert.equal(Number(await page.getAttribute('#ring-moved', 'data-ideal')), want.idealFraction);
  assert.ok(Math.abs(want.idealFraction - 2 / 6) < 1e-12, 'the weight share, not 1/(N+1)');
  assert.equal(Number(await page.getAttribute('#ring-moved', 'data-moved')), want.keys.movedFraction);
  // Switching keeps the five nodes (at weight 1: Maglev has none); the sixth joins.
  await page.selectOption('#ring-algo', 'maglev');
  await page.click('#ring-add');
  const m = new Maglev({ tableSize: 65537 });
  m.addMany([...names, 'node-E']);
  const mv = m.movementOnAdd('node-F');
  m.free();
  assert.equal(Number(await page.getAttribute('#ring-moved', 'data-moved')), mv.tableFraction);
  assert.match(await page.textContent('#ring-moved'), /of the lookup table \(\d+\.\d % of the 300 keys\)/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('ring panel: the bounded-load "% moved", its cascades and the hover walk are the package\'s', async () => {
  const { page, problems } = await open();
  const names = ['node-A', 'node-B', 'node-C', 'node-D'];
  const keys = Array.from({ length: 300 }, (_, i) => `user:${i}`);
  const make = (nodes) => {
    const lb = new BoundedLoadRing({ epsilon: 0.25, hash: 'xxh3', vnodes: 20 });
    for (const n of nodes) lb.add(n);
    return lb;
  };
  await page.selectOption('#ring-algo', 'bounded');
  await page.click('#ring-add');
  const lb = make(names);
  const want = lb.movementOnAdd('node-E', { sampleKeys: keys });
  lb.free();
  assert.equal(Number(await page.getAttribute('#ring-moved', 'data-moved')), want.keys.movedFraction);
  assert.equal(Number(await page.getAttribute('#ring-moved', 'data-ideal')), want.idealFraction);
  assert.equal(Number(await page.getAttribute('#ring-moved', 'data-cascaded')), want.keys.cascaded);
  assert.match(await page.textContent('#ring-moved'), new RegExp(`${want.keys.cascaded} of them moved between two nodes that stay`));
  assert.match(await page.textContent('#ring-moved'), new RegExp(`would move ${(100 * want.arcFraction).toFixed(1)} % of the hash space`));

  // Hover: the tooltip's hash, points passed and skipped nodes are BoundedLoadRing.walk of the key
  // to the owner assignMany gave it, on the five-node ring.
  const five = make([...names, 'node-E']);
  const owners = five.assignMany(keys);
  const tip = await hoverAKey(page);
  assert.ok(tip, 'hovering near the keys shows a tooltip on the bounded-load ring');
  const key = /^(user:\d+):/.exec(tip)[1];
  const w = five.walk(key, { owner: owners[keys.indexOf(key)] });
  assert.ok(tip.startsWith(`${key}: hash 0x${w.position.toString(16).padStart(16, '0')} = `), tip);
  assert.equal(await page.getAttribute('#ring-tip', 'data-points'), Array.from(w.points).join(','));
  assert.equal(await page.getAttribute('#ring-tip', 'data-skipped'), w.skipped.join(','));
  assert.match(tip, new RegExp(`to a point of ${w.owner} at \\d+\\.\\d %$`));
  // A key that skips a full node says so, in the lookup, from the package's walk now (peek's).
  // The lookup of a key that was placed past a full node shows the walk peek takes now (the caps
  // have grown since, so it may go straight to its first node).
  const skipper = keys.find((k, i) => five.walk(k, { owner: owners[i] }).skipped.length > 0);
  assert.ok(skipper, 'some key walked past a full node');
  await page.fill('#ring-lookup', skipper);
  const now = five.walk(skipper);
  assert.equal(await page.getAttribute('#ring-lookup-out', 'data-points'), Array.from(now.points).join(','));
  assert.equal(await page.getAttribute('#ring-lookup-out', 'data-skipped'), now.skipped.join(','));
  assert.equal(await page.getAttribute('#ring-lookup-out', 'data-owner'), now.owner);
  five.free();
  await page.screenshot({ path: join(suite.shots, 'ring-panel-bounded.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('ring panel fits a phone-width screen', async () => {
  const { page, problems } = await open({ width: 390, height: 900 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scroll (${overflow}px)`);
  await page.screenshot({ path: join(suite.shots, 'ring-panel-phone.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});
