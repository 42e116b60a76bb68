// Starts the page's Vite dev server (what `npm start` serves) on a free port.
import { join } from 'node:path';
import { createServer } from 'vite';
import { root } from '../../scripts/lib.mjs';

export async function startPageServer() {
  const server = await createServer({
    configFile: join(root, 'www', 'vite.config.js'),
    server: { port: 0, host: '127.0.0.1', strictPort: false },
    logLevel: 'error',
  });
  await server.listen();
  const { port } = server.httpServer.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => server.close() };
}
