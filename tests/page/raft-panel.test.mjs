// Playwright tier for the Raft panel: it draws the cluster the package reports,
// a crashed leader is replaced within bounded virtual time, the timeline
// rewinds to exactly the state first seen at a time, a shared link replays the
// same moment, and the part 2 controls (transfer, membership) act on the cluster.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pageSuite } from '../helpers/page-suite.mjs';

const suite = pageSuite();

const open = (hash = '#raft', viewport = { width: 1280, height: 1300 }) => suite.open(hash, viewport);

/**
 * The panel's status, read in the next animation frame after the panel has drawn it, so
 * that it reflects every click made before (the panel updates it once per frame).
 */
const status = async (page) => {
  const d = await page.evaluate(() => new Promise((done) => {
    requestAnimationFrame(() => done({ ...document.querySelector('#rf-status').dataset }));
  }));
  return { ...d, time: Number(d.time), leader: Number(d.leader), actions: Number(d.actions) };
};

async function setSpeed(page, log10) {
  await page.fill('#rf-speed', String(log10));
  await page.locator('#rf-speed').dispatchEvent('input');
}

async function pause(page) {
  if ((await status(page)).playing === 'true') await page.click('#rf-play');
  await page.waitForFunction(() => document.querySelector('#rf-status').dataset.playing === 'false');
}

async function play(page) {
  if ((await status(page)).playing === 'false') await page.click('#rf-play');
}

/** Plays until `pred(status)` holds, at most `limit` virtual ms after now; returns the status. */
async function playUntil(page, pred, limit) {
  const t0 = (await status(page)).time;
  await play(page);
  for (;;) {
    const s = await status(page);
    if (pred(s)) return s;
    assert.ok(s.time - t0 <= limit, `condition not met within ${limit} virtual ms (at ${s.time})`);
    await page.waitForTimeout(20);
  }
}

async function scrubTo(page, t) {
  await page.$eval('#rf-scrub', (e, v) => {
    e.value = String(v);
    e.dispatchEvent(new Event('input', { bubbles: true }));
  }, t);
  await page.waitForFunction((v) => Number(document.querySelector('#rf-status').dataset.time) === v, t);
}

async function selectNode(page, id) {
  await page.selectOption('#rf-node', String(id));
  await page.waitForFunction((v) => document.querySelector('#rf-node-info').textContent.startsWith(`n${v}:`), id);
}

test('raft panel draws the cluster, its logs and a green safety checker, at desktop and phone width', async () => {
  for (const [viewport, name] of [[{ width: 1280, height: 1300 }, 'desktop'], [{ width: 390, height: 2600 }, 'phone']]) {
    const { page, problems } = await open('#raft', viewport);
    await setSpeed(page, 0);
    const s = await playUntil(page, (x) => x.leader !== 0, 3_000);
    assert.equal(s.digest.split(' ').filter((n) => n.includes(':l:')).length, 1, 'one leader drawn');
    const inked = await page.$eval('#rf-canvas', (c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n;
    });
    assert.ok(inked > 3000, `canvas has ink (${inked} pixels)`);
    const box = await page.locator('#rf-canvas').boundingBox();
    assert.ok(box.width >= 250 && box.x >= 0 && box.x + box.width <= viewport.width, `canvas fits (${JSON.stringify(box)})`);
    const scrollW = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(scrollW <= viewport.width, `no horizontal scrolling (${scrollW} px wide)`);
    const rules = await page.$$eval('#rf-monitor li', (lis) => lis.map((li) => `${li.className} ${li.dataset.rule}`));
    assert.deepEqual(rules, ['Election Safety', 'Leader Append-Only', 'Log Matching', 'Leader Completeness', 'State Machine Safety'].map((r) => `rf-ok ${r}`));
    assert.ok((await page.$$('#rf-story li')).length > 0, 'the story tells what happened');
    await page.screenshot({ path: join(suite.shots, `raft-panel-${name}.png`), fullPage: true });
    assert.deepEqual(problems, []);
    await page.close();
  }
});

test('raft panel: every control has a label, and the node controls work from the keyboard', async () => {
  const { page, problems } = await open();
  const unnamed = await page.$$eval('#panel-raft :is(button, input, select, a)', (els) => els
    .filter((e) => !(e.labels?.length || e.getAttribute('aria-label') || e.textContent.trim()))
    .map((e) => e.id || e.outerHTML.slice(0, 60)));
  assert.deepEqual(unnamed, []);
  await setSpeed(page, 0);
  await playUntil(page, (x) => x.leader !== 0, 3_000);
  await pause(page);
  const { leader } = await status(page);
  // The leader's box lists its match/next index for every other member (RaftCluster.progress).
  await selectNode(page, leader);
  const others = [1, 2, 3, 4, 5].filter((id) => id !== leader);
  assert.match(await page.textContent('#rf-node-info'), new RegExp(`match/next: ${others.map((id) => `n${id} \\d+/\\d+`).join(', ')}$`));
  const follower = (leader % 5) + 1;
  await page.focus('#rf-node');
  await page.selectOption('#rf-node', String(follower));
  await page.focus('#rf-crash');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#rf-crash').textContent === 'Restart');
  assert.match(await page.textContent('#rf-node-info'), new RegExp(`^n${follower}: crashed`));
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => !/crashed/.test(document.querySelector('#rf-node-info').textContent));
  assert.equal((await status(page)).actions, 2);
  assert.deepEqual(problems, []);
  await page.close();
});

test('raft panel: crash the leader and a new leader appears within bounded virtual time', async () => {
  const { page, problems } = await open();
  await setSpeed(page, 1);
  const s0 = await playUntil(page, (x) => x.leader !== 0, 3_000);
  await pause(page);
  const { leader: old, time: crashedAt } = await status(page);
  // Click the leader on the canvas (nodes sit on a circle of 0.36 × the width, n1 at the top).
  const box = await page.locator('#rf-canvas').boundingBox();
  const angle = -Math.PI / 2 + (2 * Math.PI * (old - 1)) / 5;
  await page.mouse.click(box.x + box.width / 2 + 0.36 * box.width * Math.cos(angle), box.y + box.height / 2 + 0.36 * box.width * Math.sin(angle));
  await page.waitForSelector('#rf-menu:not([hidden])');
  assert.equal(await page.textContent('#rf-menu-title'), `n${old}`);
  await page.click('#rf-menu [data-op=crash]');
  assert.equal(await page.isHidden('#rf-menu'), true);
  await page.waitForFunction(() => document.querySelector('#rf-crash').textContent === 'Restart');
  const s = await playUntil(page, (x) => x.leader !== 0 && x.leader !== old, 10_000);
  await pause(page);
  assert.ok(s0.leader !== s.leader);
  // When it won, in virtual time, as the story reports it (polling at 10× speed is too coarse).
  const won = await page.$$eval('#rf-story li', (lis) => lis
    .filter((li) => /won the election/.test(li.textContent)).map((li) => Number(li.dataset.time)));
  const at = Math.min(...won.filter((t) => t > crashedAt));
  // An election timeout is below 2 × 150 ms; allow for a split vote or two.
  assert.ok(at - crashedAt <= 1_500, `new leader ${at - crashedAt} virtual ms after the crash`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('raft panel: partition, heal and scrub back — the state at a time matches the state first seen then; a step is recorded', async () => {
  const { page, problems } = await open();
  await setSpeed(page, 0.5);
  await playUntil(page, (x) => x.leader !== 0 && x.time > 800, 3_000);
  await page.click('#rf-propose');
  await pause(page);
  const first = await status(page);

  await play(page);
  await page.selectOption('#rf-partition', { label: 'Isolate the leader' });
  await page.click('#rf-split');
  const cut = await playUntil(page, (x) => x.time > first.time + 600, 5_000);
  await pause(page);
  await page.click('#rf-propose'); // the isolated old leader may still take it; or the new one does
  await page.click('#rf-heal');
  const before = (await status(page)).actions;
  await page.click('#rf-step');
  await page.waitForFunction((n) => Number(document.querySelector('#rf-status').dataset.actions) === n, before + 1);
  const stepped = await status(page);
  assert.ok(stepped.time > cut.time, 'a step moves the clock to the next event');
  await playUntil(page, (x) => x.time > cut.time + 600, 5_000);
  await pause(page);
  const later = await status(page);
  assert.ok(later.actions >= 4, `actions recorded: ${later.actions}`);

  // Back to the first moment: rebuilt from the seed plus the actions before it.
  await scrubTo(page, first.time);
  const back = await status(page);
  assert.equal(back.digest, first.digest);
  // Forward again: the recorded actions replay on the way.
  await scrubTo(page, stepped.time);
  assert.equal((await status(page)).digest, stepped.digest);
  await scrubTo(page, later.time);
  assert.equal((await status(page)).digest, later.digest);
  assert.equal(await page.locator('#rf-monitor li.rf-bad').count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test('raft panel: the shared link replays the same moment in a fresh page', async () => {
  const { page, problems } = await open();
  await page.selectOption('#rf-nodes', '7');
  await setSpeed(page, 0.5);
  await playUntil(page, (x) => x.leader !== 0 && x.time > 500, 3_000);
  await page.click('#rf-propose');
  await page.selectOption('#rf-partition', { label: 'Leader in a minority' });
  await page.click('#rf-split');
  await playUntil(page, (x) => x.time > 1_500, 5_000);
  await page.click('#rf-heal');
  await playUntil(page, (x) => x.time > 2_000, 5_000);
  await pause(page);
  const here = await status(page);
  const href = await page.getAttribute('#rf-share', 'href');
  assert.match(href, /^#raft\?n=7&seed=1&/);
  await page.close();

  const { page: again, problems: p2 } = await open(href);
  await again.waitForFunction((t) => Number(document.querySelector('#rf-status').dataset.time) === t, here.time);
  assert.equal(await again.getAttribute('#tab-raft', 'aria-selected'), 'true');
  const there = await status(again);
  assert.equal(there.digest, here.digest);
  assert.equal(there.actions, here.actions);
  assert.equal(there.playing, 'false');
  assert.equal(await again.locator('#rf-actions li').count(), here.actions);
  assert.deepEqual([...problems, ...p2], []);
  await again.close();
});

test('raft panel: transfer leadership to a chosen node, then add, promote and remove a member', async () => {
  const { page, problems } = await open();
  await page.selectOption('#rf-voters', '3'); // nodes 4 and 5 start outside the cluster
  await setSpeed(page, 0.5);
  const s = await playUntil(page, (x) => x.leader !== 0, 3_000);
  const target = (s.leader % 3) + 1;
  await selectNode(page, target);
  await page.click('#rf-transfer');
  await playUntil(page, (x) => x.leader === target, 2_000);
  assert.match(await page.textContent('#rf-story'), new RegExp(`hands leadership to node ${target}`));

  await selectNode(page, 4);
  assert.match(await page.textContent('#rf-node-info'), /not a member/);
  assert.equal(await page.isDisabled('#rf-promote'), true);
  await page.click('#rf-learner');
  await page.waitForFunction(() => /learner/.test(document.querySelector('#rf-node-info').textContent));
  await playUntil(page, () => true, 0);
  await page.waitForFunction(() => !document.querySelector('#rf-promote').disabled);
  // A learner must catch up first; retry until the leader accepts.
  for (let k = 0; k < 50; k++) {
    await page.click('#rf-promote');
    if (!(await page.textContent('#rf-error'))) break;
    await page.waitForTimeout(50);
  }
  await page.waitForFunction(() => !/learner|not a member/.test(document.querySelector('#rf-node-info').textContent));
  await selectNode(page, 2);
  await page.click('#rf-remove');
  await page.waitForFunction(() => /not a member/.test(document.querySelector('#rf-node-info').textContent));
  assert.equal(await page.locator('#rf-monitor li.rf-bad').count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test('raft panel: drag between two nodes to cut that link, or cut one way from the node box; both replay from the link', async () => {
  const { page, problems } = await open();
  await setSpeed(page, 0.5);
  await playUntil(page, (x) => x.leader !== 0, 3_000);
  await pause(page);
  const box = await page.locator('#rf-canvas').boundingBox();
  const at = (id) => {
    const a = -Math.PI / 2 + (2 * Math.PI * (id - 1)) / 5;
    return [box.x + box.width / 2 + 0.36 * box.width * Math.cos(a), box.y + box.height / 2 + 0.36 * box.width * Math.sin(a)];
  };
  await page.mouse.move(...at(1));
  await page.mouse.down();
  await page.mouse.move(...at(3), { steps: 8 });
  await page.mouse.up();
  await page.waitForFunction(() => document.querySelector('#rf-status').dataset.actions === '2');
  assert.equal(await page.isHidden('#rf-menu'), true, 'a drag does not open the menu');
  const cuts = await page.$$eval('#rf-actions li', (lis) => lis.map((li) => li.textContent.replace(/^\S+ ms /, '')));
  assert.deepEqual(cuts, ['cut n1 → n3', 'cut n3 → n1']);
  await selectNode(page, 2);
  await page.selectOption('#rf-cut-to', '4');
  await page.check('#rf-oneway');
  await page.click('#rf-cut');
  await page.waitForFunction(() => document.querySelector('#rf-status').dataset.actions === '3');
  assert.match(await page.textContent('#rf-story'), /the link from node 2 to node 4 was cut \(one way\)/);
  await play(page);
  await page.waitForTimeout(300);
  await pause(page);
  const here = await status(page);
  const href = await page.getAttribute('#rf-share', 'href');
  assert.match(href, /a=\d+k1-3,\d+k3-1,\d+k2-4/);
  await page.close();
  const { page: again, problems: p2 } = await open(href);
  await again.waitForFunction((t) => Number(document.querySelector('#rf-status').dataset.time) === t, here.time);
  assert.equal((await status(again)).digest, here.digest);
  assert.deepEqual([...problems, ...p2], []);
  await again.close();
});
