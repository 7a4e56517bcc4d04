// Build of the dashboard: `npx vite build --config ui/vite.config.ts` writes ui/dist, which the
// API serves at `/`. JSX goes through esbuild's automatic runtime (no React plugin needed).
// `npx vite --config ui/vite.config.ts` serves it with hot reload, proxying /graphql (HTTP and
// websocket) to the API at API_URL.

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  esbuild: { jsx: 'automatic', jsxImportSource: 'react' },
  build: {
    outDir: 'dist', // relative to root: ui/dist
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 700, // kB; React + urql + uPlot in one chunk is ~300 kB
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/graphql': { target: process.env.API_URL ?? 'http://127.0.0.1:8080', ws: true, changeOrigin: true },
    },
  },
});
