import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The dev server forwards the API to a running hub (`sparehub serve --demo --port 3999`), so the
// dashboard talks to the same origin in development as it does when the hub serves it.
const hub = process.env.SPAREHUB_DEV_HUB ?? 'http://127.0.0.1:3999';

export default defineConfig({
  root: decodeURIComponent(new URL('.', import.meta.url).pathname),
  base: '/',
  plugins: [react()],
  build: { outDir: '../dist/web', emptyOutDir: true, sourcemap: true },
  server: {
    proxy: {
      '/api': { target: hub, changeOrigin: false },
      '/health': { target: hub },
      '/ready': { target: hub },
    },
  },
});
