// `npm start`: install what is missing, build the package, build the page with Vite and
// serve that production build (one bundle plus the .wasm: the fastest load).
// `npm run dev`: the same, but Vite's dev server with hot reload, for working on the page.
// Options: --port N (default 5173), --host H (default localhost).
import { join } from 'node:path';
import { root, ensureToolchain } from './lib.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const dev = process.argv.includes('--dev');
const net = { port: Number(arg('port', 5173)), host: arg('host', 'localhost') };
const configFile = join(root, 'www', 'vite.config.js');

ensureToolchain();
const { build } = await import('./build.mjs');
await build();

const vite = await import('vite');
let server;
if (dev) {
  server = await vite.createServer({ configFile, server: net });
  await server.listen();
} else {
  await vite.build({ configFile });
  server = await vite.preview({ configFile, preview: net });
}
const url = server.resolvedUrls.local[0];
console.log(`\nquorumkit page: ${url}${dev ? ' (dev server)' : ''}\n(Ctrl+C to stop)`);
