// Playwright tier for the Raft panel's live mode: three pages of one browser context
// are three RaftNodes talking over a BroadcastChannel and persisting to IndexedDB. The
// first bootstraps, the others join and are promoted; writes commit in every tab;
// garbage and foreign envelopes are counted and harm nobody; the leader's page is
// closed (a crash), a new leader is elected with every committed write; the page is
// opened again, takes the same node id and catches up from its IndexedDB state. A
// leaving tab is removed, a compacted log reaches a new tab as a snapshot, and a
// member silent for 30 s is removed by the leader.
// Timings are printed as diagnostics, never asserted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pageSuite } from '../helpers/page-suite.mjs';
import { collectProblems } from '../helpers/browser.mjs';

const suite = pageSuite();
/** A bound on every wait, so that a broken cluster fails the test instead of hanging it. */
const PATIENCE_MS = 30_000;

async function openLive(context) {
  const page = await context.newPage();
  const problems = collectProblems(page);
  await page.goto(`${suite.server.url}#raft`);
  await page.waitForSelector('body[data-ready=true]', { state: 'attached', timeout: 15_000 });
  await page.check('#rf-live');
  await page.waitForFunction(() => document.querySelector('#rf-live-status')?.dataset.id, null, { timeout: 15_000 });
  return { page, problems };
}

/** The live node's state as the panel shows it. */
async function status(page) {
  const d = await page.evaluate(() => ({ ...document.querySelector('#rf-live-status').dataset }));
  return {
    ...d, id: Number(d.id), term: Number(d.term), leader: Number(d.leader), commit: Number(d.commit),
    applied: Number(d.applied), kv: JSON.parse(d.kv), rejects: JSON.parse(d.rejects), appliedAt: JSON.parse(d.appliedAt),
    leaderSince: Number(d.leaderSince), putStarted: Number(d.putStarted),
    voters: d.voters ? d.voters.split(',').map(Number) : [],
  };
}

/** Polls `pred` over the pages' statuses until it holds (failing after `patience` ms); returns the milliseconds it took. */
async function until(pages, pred, what, patience = PATIENCE_MS) {
  const t0 = performance.now();
  for (;;) {
    const all = await Promise.all(pages.map(status));
    if (pred(all)) return performance.now() - t0;
    assert.ok(performance.now() - t0 < patience, `${what}: not reached; last statuses ${JSON.stringify(all.map(({ kv, ...s }) => s))}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Puts key = value through `page`'s form; resolves once that tab reports it committed, to the
 * milliseconds the tab measured from submitting to its answer.
 */
async function put(page, key, value) {
  await page.fill('#rf-live-key', key);
  await page.fill('#rf-live-value', value);
  await page.click('#rf-live-put');
  await page.waitForFunction(([k, v]) => document.querySelector('#rf-live-result').textContent.startsWith(`${k} = ${v} committed`),
    [key, value], { timeout: PATIENCE_MS });
  return Number((await page.textContent('#rf-live-result')).match(/ in (\d+) ms/)[1]);
}

/** Reads key through `page`'s form (a ReadIndex read); resolves to the result line. */
async function get(page, key) {
  await page.fill('#rf-live-key', key);
  await page.click('#rf-live-get');
  await page.waitForFunction(() => !document.querySelector('#rf-live-result').textContent.endsWith('…'), null, { timeout: PATIENCE_MS });
  return page.textContent('#rf-live-result');
}

const ms = (x) => `${Math.round(x)} ms`;
const pages = (list) => list.map((x) => x.page);
/** The three voters all agree on a leader. */
const agreed = (all) => all.every((s) => s.voters.length === 3 && s.leader === all[0].leader && s.leader !== 0);

/** Opens three live pages in `context` and waits until they are three voters with one leader. */
async function threeVoters(context) {
  const tabs = [];
  for (let k = 0; k < 3; k++) tabs.push(await openLive(context));
  await until(pages(tabs), agreed, 'three voters');
  return { tabs, statuses: await Promise.all(pages(tabs).map(status)) };
}

test('raft live mode: three tabs elect, commit, survive the leader tab closing and restart it from IndexedDB', async (t) => {
  const context = await suite.browser.newContext({ viewport: { width: 1280, height: 1200 } });
  const timings = [];
  try {
    const a = await openLive(context);
    timings.push(['first tab bootstraps and leads', await until([a.page], ([s]) => s.role === 'leader', 'bootstrap')]);
    const b = await openLive(context);
    const c = await openLive(context);
    let tabs = [a, b, c];
    timings.push(['two more tabs join and are promoted to voters', await until(pages(tabs), agreed, 'three voters')]);
    const ids = (await Promise.all(pages(tabs).map(status))).map((s) => s.id);
    assert.equal(new Set(ids).size, 3, `three distinct node ids (${ids})`);

    // Writes from every tab, followers included; each is seen applied in all three.
    const written = {};
    for (const [k, tab] of tabs.entries()) {
      for (let i = 1; i <= 2; i++) {
        const key = `k${k}${i}`;
        const local = await put(tab.page, key, `v${k}${i}`);
        written[key] = `v${k}${i}`;
        await until(pages(tabs), (st) => st.every((s) => s.kv[key] === written[key]), `${key} applied everywhere`);
        // Both from the pages' own clocks: submitted in one tab, applied in the last of the three.
        const st = await Promise.all(pages(tabs).map(status));
        const all = Math.max(...st.map((s) => s.appliedAt[key])) - st[k].putStarted;
        timings.push([`put ${key} from n${ids[k]}: answered in its tab / applied in all three`, local, all]);
      }
    }
    for (const tab of tabs) assert.match(await get(tab.page, 'k01'), /^k01 = v01$/);

    // Garbage on the channel: counted by reason, and the cluster carries on.
    const leaderId = (await status(a.page)).leader;
    const cluster = await a.page.evaluate(() => localStorage.getItem('quorumkit-live:cluster'));
    await c.page.evaluate(([to, cl]) => {
      const ch = new BroadcastChannel('quorumkit-live-raft');
      const env = { app: 'quorumkit-live', v: 1, cluster: cl, from: 99, to, type: 'raft' };
      ch.postMessage('not an envelope');
      ch.postMessage(new Uint8Array([1, 2, 3]));
      ch.postMessage({ ...env, v: 2, bytes: new Uint8Array([1]) });
      ch.postMessage({ ...env, bytes: new Uint8Array([1, 200, 7, 7]) });
      ch.postMessage({ ...env, bytes: new Uint8Array([9, 9, 9]) });
      ch.postMessage({ ...env, cluster: 'another', bytes: new Uint8Array([1]) });
      ch.postMessage({ ...env, type: 'raft', bytes: 'not bytes' });
      ch.postMessage({ ...env, type: 'warp' });
      ch.close();
    }, [leaderId, cluster]);
    const leaderTab = tabs[ids.indexOf(leaderId)];
    const want = { foreign: 2, version: 1, cluster: 1, bytes: 2, malformed: 2 };
    await until([leaderTab.page], ([s]) => Object.entries(want).every(([k, n]) => s.rejects[k] >= n), 'garbage counted');
    const r = (await status(leaderTab.page)).rejects;
    assert.deepEqual({ foreign: r.foreign, version: r.version, cluster: r.cluster, bytes: r.bytes, malformed: r.malformed },
      want, 'each bad envelope counted once, by reason');
    const others = tabs.filter((x) => x !== leaderTab);
    await until(others.map((x) => x.page), (st) => st.every((s) => s.rejects.foreign >= 2 && s.rejects.version >= 1), 'garbage counted by every tab');
    for (const tab of others) {
      const s = await status(tab.page);
      assert.equal(s.rejects.foreign, 2, 'broadcast garbage is rejected by every tab');
      assert.equal(s.rejects.version, 1);
    }
    await put(b.page, 'after-garbage', 'ok');
    await until(pages(tabs), (st) => st.every((s) => s.kv['after-garbage'] === 'ok'), 'a write after the garbage');
    written['after-garbage'] = 'ok';

    // Close the leader's page: a crash. The two others elect a new leader holding every committed write.
    const before = await status(leaderTab.page);
    const closedAt = Date.now();
    await leaderTab.page.close();
    const survivors = tabs.filter((x) => x !== leaderTab);
    const tElect = await until(survivors.map((x) => x.page), (st) => st.every((s) => s.leader !== 0 && s.leader !== leaderId
      && s.leader === st[0].leader && s.term > before.term), 'a new leader');
    const elected = Math.max(...(await Promise.all(survivors.map((x) => status(x.page)))).map((s) => s.leaderSince));
    timings.push([`leader n${leaderId}'s tab closed: a new leader known to both others (polled / pages' clocks)`, tElect, elected - closedAt]);
    for (const s of await Promise.all(survivors.map((x) => status(x.page)))) {
      for (const [k, v] of Object.entries(written)) assert.equal(s.kv[k], v, `n${s.id} still has ${k}`);
    }
    for (const tab of survivors) assert.match(await get(tab.page, 'k11'), /^k11 = v11$/);
    timings.push([`put while n${leaderId} is down: answered, committed by two of three`, await put(survivors[0].page, 'while-down', 'yes')]);
    written['while-down'] = 'yes';

    // Reopen the page: it claims the closed node's id and restarts from IndexedDB, then catches up.
    const t1 = performance.now();
    const back = await openLive(context);
    const s0 = await status(back.page);
    assert.equal(s0.id, leaderId, 'the reopened page takes the free id of the closed one');
    assert.equal(s0.restored, 'true', 'and restarts from its IndexedDB state');
    assert.ok(Number(s0.lastIndex) >= before.commit, `its restored log holds what it had committed (${s0.lastIndex} ≥ ${before.commit})`);
    tabs = [...survivors, back];
    const leaderCommit = (await status(survivors[0].page)).commit;
    const tCatch = await until([back.page], ([s]) => s.applied >= leaderCommit
      && Object.entries(written).every(([k, v]) => s.kv[k] === v), 'the reopened node catches up');
    timings.push([`reopened n${leaderId} catches up (from page open)`, performance.now() - t1, tCatch]);
    await until(pages(tabs), agreed, 'three voters again');
    assert.match(await get(back.page, 'while-down'), /^while-down = yes$/);
    await put(back.page, 'from-restarted', 'yes');
    await until(pages(tabs), (st) => st.every((s) => s.kv['from-restarted'] === 'yes'), 'a write from the restarted node');

    await back.page.screenshot({ path: join(suite.shots, 'raft-live.png'), fullPage: true });
    for (const tab of tabs) assert.deepEqual(tab.problems, [], 'no console errors');
  } finally {
    for (const [what, x, y] of timings) t.diagnostic(`${what}: ${ms(x)}${y === undefined ? '' : ` / ${ms(y)}`}`);
    await context.close();
  }
});

test('raft live mode: a leader tab that leaves hands over and is removed; a new tab catches up through a snapshot and restarts from it', async (t) => {
  const context = await suite.browser.newContext({ viewport: { width: 1280, height: 1200 } });
  try {
    const { tabs, statuses } = await threeVoters(context);
    const leaderId = statuses[0].leader;
    const leaving = tabs[statuses.findIndex((s) => s.id === leaderId)];
    const rest = tabs.filter((x) => x !== leaving);
    await put(rest[0].page, 'before-leave', '1');

    const t0 = performance.now();
    await leaving.page.click('#rf-live-leave');
    await leaving.page.waitForFunction(() => document.querySelector('#rf-live-result').textContent.startsWith('This node left'), null, { timeout: PATIENCE_MS });
    const tLeave = performance.now() - t0;
    await until(pages(rest), (all) => all.every((s) => s.voters.length === 2 && !s.voters.includes(leaderId)
      && s.leader !== 0 && s.leader !== leaderId && s.leader === all[0].leader), 'two voters without the one that left');
    t.diagnostic(`leader n${leaderId} left (transfer, removal, state forgotten): ${Math.round(tLeave)} ms`);
    const ids = await leaving.page.evaluate(() => JSON.parse(localStorage.getItem('quorumkit-live:ids')));
    assert.ok(!ids.includes(leaderId), `its id is forgotten (${ids})`);
    await put(rest[1].page, 'after-leave', '2');
    await leaving.page.close();

    // Enough writes for the log to be compacted into a snapshot, on both voters.
    const want = { 'before-leave': '1', 'after-leave': '2' };
    for (let i = 0; i < 70; i++) {
      await put(rest[i % 2].page, `s${i}`, String(i));
      want[`s${i}`] = String(i);
    }
    const has = (s) => Object.entries(want).every(([k, v]) => s.kv[k] === v);
    await until(pages(rest), (st) => st.every((s) => Number(s.snapshot) > 0 && has(s)), 'both compacted their logs');

    // A new tab joins in its place: it gets the leader's snapshot, then the third voter's vote.
    const t1 = performance.now();
    const fresh = await openLive(context);
    const all = [...rest, fresh];
    await until(pages(all), (st) => agreed(st) && st.every(has), 'three voters again, the new one caught up');
    t.diagnostic(`a new tab joins (from page open) and catches up through a snapshot: ${Math.round(performance.now() - t1)} ms`);
    const s = await status(fresh.page);
    assert.equal(s.restored, 'false', 'the new tab starts fresh');
    assert.ok(!statuses.some((x) => x.id === s.id), `it takes an id never used before (n${s.id}), not the departed n${leaderId}'s`);
    assert.ok(Number(s.snapshot) > 0, 'it caught up through a snapshot');
    assert.match(await fresh.page.textContent('#rf-live-story'), /installed a snapshot from the leader/);

    // Closed and reopened, it restarts from the snapshot and entries it stored.
    await fresh.page.close();
    const again = await openLive(context);
    const r = await status(again.page);
    assert.equal(r.id, s.id, 'the reopened page is the same node');
    assert.equal(r.restored, 'true');
    assert.ok(Number(r.snapshot) > 0 && has(r), 'its state machine comes back from the stored snapshot and log');
    for (const tab of [...rest, fresh, again]) assert.deepEqual(tab.problems, [], 'no console errors');
  } finally {
    await context.close();
  }
});

test('raft live mode: the leader removes a member not heard from for 30 s, and the cluster carries on', async (t) => {
  const context = await suite.browser.newContext({ viewport: { width: 1280, height: 1200 } });
  try {
    const { tabs, statuses } = await threeVoters(context);
    const k = statuses.findIndex((s) => s.id !== s.leader);
    const goneId = statuses[k].id;
    await tabs[k].page.close();
    const rest = tabs.filter((_, i) => i !== k);
    const tGone = await until(pages(rest), (all) => all.every((s) => s.voters.length === 2 && !s.voters.includes(goneId)),
      'the silent member removed', 60_000);
    t.diagnostic(`n${goneId}'s tab closed: removed by the leader after ${Math.round(tGone)} ms`);
    await put(rest[0].page, 'two-voters', 'ok');
    await until(pages(rest), (all) => all.every((s) => s.kv['two-voters'] === 'ok'), 'a write with two voters');
    for (const tab of rest) assert.deepEqual(tab.problems, [], 'no console errors');
  } finally {
    await context.close();
  }
});
