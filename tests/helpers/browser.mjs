// Browser helpers for the node:test tiers: the machine's Chromium through
// playwright-core, and static files served by request interception (no
// server process, no port).
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../../scripts/lib.mjs';

export function launch() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/**
 * Serves `mounts` (URL path prefix -> directory) at `origin` for `page`.
 * Unknown paths get 404; any request to another origin is aborted, so a test
 * also proves the page needs no network.
 */
export async function serveStatic(page, origin, mounts) {
  await page.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.origin !== origin) return route.abort();
    for (const [prefix, dir] of Object.entries(mounts)) {
      if (!url.pathname.startsWith(prefix)) continue;
      let rel = normalize(decodeURIComponent(url.pathname.slice(prefix.length)));
      if (rel === '.' || rel.endsWith('/')) rel = join(rel, 'index.html');
      try {
        const body = await readFile(join(dir, rel));
        return route.fulfill({ status: 200, body, contentType: TYPES[extname(rel)] ?? 'application/octet-stream' });
      } catch {
        break;
      }
    }
    return route.fulfill({ status: 404, body: 'not found' });
  });
}

/** Collects console errors/warnings and page errors of `page`. */
export function collectProblems(page) {
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  return problems;
}
