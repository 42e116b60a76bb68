// Playwright tier: the page as a visitor sees it, served by Vite as `npm start` does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pageSuite } from '../helpers/page-suite.mjs';

const PANELS = ['ring', 'bloom', 'raft', 'snowflake', 'hashing'];
const suite = pageSuite();

test('the page loads with no console errors or warnings and every panel renders', async () => {
  const { page, problems } = await suite.open();

  const meta = await page.textContent('#meta');
  assert.match(meta, /^quorumkit \d+\.\d+\.\d+ · wasm \d+(\.\d)? KiB/);

  for (const id of PANELS) {
    await page.click(`#tab-${id}`);
    const panel = page.locator(`#panel-${id}`);
    assert.equal(await panel.isVisible(), true, `${id} panel visible`);
    assert.ok((await panel.locator('h2').textContent()).length > 0, `${id} panel has a heading`);
    await page.screenshot({ path: join(suite.shots, `panel-${id}.png`) });
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test('each panel loads its own wasm module when it is first opened, and only then', async () => {
  const { page, problems } = await suite.open('#snowflake');
  const modules = () => page.evaluate(() =>
    performance.getEntriesByType('resource').map((e) => e.name.split('/').pop()).filter((f) => f.endsWith('.wasm')).sort());
  assert.deepEqual(await modules(), ['quorumkit-snowflake.wasm']);
  assert.match(await page.textContent('#meta'), /, 1 of 5 modules$/);
  await page.click('#tab-ring');
  await page.waitForSelector('#panel-ring[data-ready=true]', { state: 'attached' });
  assert.deepEqual(await modules(), ['quorumkit-ring.wasm', 'quorumkit-snowflake.wasm']);
  // The hashes panel uses the ring's module, already loaded.
  await page.click('#tab-hashing');
  await page.waitForSelector('#panel-hashing[data-ready=true]', { state: 'attached' });
  assert.deepEqual(await modules(), ['quorumkit-ring.wasm', 'quorumkit-snowflake.wasm']);
  assert.match(await page.textContent('#meta'), /, 2 of 5 modules$/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the hashes panel computes with the wasm module as the user types', async () => {
  const { page } = await suite.open('#hashing');
  await page.fill('#hash-key', '123456789');
  assert.equal(await page.textContent('#hash-crc32'), '0xcbf43926');
  await page.fill('#hash-key', '');
  assert.equal(await page.textContent('#hash-xxh64'), '0xef46db3751d8e999');
  await page.close();
});

test('the tabs are keyboard-operable', async () => {
  const { page } = await suite.open();
  await page.focus(`#tab-${PANELS[0]}`);
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.getAttribute(`#tab-${PANELS[1]}`, 'aria-selected'), 'true');
  assert.equal(await page.locator(`#panel-${PANELS[1]}`).isVisible(), true);
  await page.close();
});

test('snowflake panel: a known Discord ID decodes to its known timestamp; IDs are drawn bit by bit', async () => {
  const { page, problems } = await suite.open('#snowflake');
  await page.fill('#sf-decode-id', '175928847299117063');
  await page.selectOption('#sf-decode-layout', 'discord');
  assert.match(await page.textContent('[data-field="timestamp"]'), /^1462015105796 \(2016-04-30T11:18:25\.796Z\)/);
  assert.equal(await page.textContent('[data-field="workerId"]'), '1');
  assert.equal(await page.textContent('[data-field="sequence"]'), '7');
  await page.fill('#sf-decode-id', 'not an id');
  assert.match(await page.textContent('#sf-decode-error'), /^id must be a decimal string/);

  assert.equal(await page.locator('#sf-bits span').count(), 64);
  const first = BigInt(await page.textContent('#sf-id-text'));
  await page.click('#sf-generate');
  const second = BigInt(await page.textContent('#sf-id-text'));
  assert.ok(second > first);
  await page.selectOption('#sf-layout', 'sonyflake');
  assert.equal(await page.locator('#sf-bits span').count(), 64);
  assert.deepEqual(problems, []);
  await page.close();
});
