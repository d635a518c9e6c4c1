import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev` serves the app with hot reload and proxies the API (HTTP and websocket)
// to a running `repairbook dev`, so pages and API share one origin as in production.
const api = process.env.REPAIRBOOK_API ?? 'http://127.0.0.1:8000';

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      '/graphql': { target: api, ws: true, changeOrigin: false },
      '/static': { target: api },
    },
  },
  build: {
    target: 'es2022',
    sourcemap: false,
    // No inline scripts or data: URLs for modules under the server's CSP.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
