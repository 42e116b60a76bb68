// The page is served and built by Vite. It imports 'quorumkit' like any user,
// resolved through node_modules/quorumkit -> pkg/ (made by scripts/build.mjs).
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Pre-bundling would move the package away from its .wasm files.
  optimizeDeps: { exclude: ['quorumkit', ...['snowflake', 'bloom', 'ring', 'raft', 'raft-sim'].map((s) => `quorumkit/${s}`)] },
  server: { fs: { allow: [repo] } },
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true },
  logLevel: 'warn',
});
