// `npm start`: install what is missing, build the package, serve the page.
// Options: --port N (default 5173), --host H (default localhost).
import { join } from 'node:path';
import { root, ensureToolchain } from './lib.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};

ensureToolchain();
const { build } = await import('./build.mjs');
await build();

const { createServer } = await import('vite');
const server = await createServer({
  configFile: join(root, 'www', 'vite.config.js'),
  server: { port: Number(arg('port', 5173)), host: arg('host', 'localhost') },
});
await server.listen();
const url = server.resolvedUrls.local[0];
console.log(`\nquorumkit page: ${url}\n(Ctrl+C to stop)`);
