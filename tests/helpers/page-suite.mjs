// The set-up every Playwright page test file shares: one page server and one
// Chromium per file, started before its tests and closed after them, and a
// way to open the page at a panel and wait until it is ready.
import { before, after } from 'node:test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../../scripts/lib.mjs';
import { launch, collectProblems } from './browser.mjs';
import { startPageServer } from './page-server.mjs';

/**
 * Registers the file's `before`/`after` hooks and returns the suite: `browser`
 * and `server` (set once `before` has run), `shots` (the screenshot folder)
 * and `open`.
 */
export function pageSuite() {
  const suite = {
    shots: join(root, 'test-results'),
    server: undefined,
    browser: undefined,
    /**
     * A new page at `hash` (e.g. '#ring'), ready, with its console problems
     * collected.
     */
    async open(hash = '', viewport = { width: 1200, height: 900 }) {
      const page = await suite.browser.newPage({ viewport });
      const problems = collectProblems(page);
      await page.goto(`${suite.server.url}${hash}`);
      await page.waitForSelector('body[data-ready=true]', { state: 'attached', timeout: 15_000 });
      return { page, problems };
    },
  };
  before(async () => {
    mkdirSync(suite.shots, { recursive: true });
    suite.server = await startPageServer();
    suite.browser = await launch();
  });
  after(async () => {
    await suite.browser?.close();
    await suite.server?.close();
  });
  return suite;
}
