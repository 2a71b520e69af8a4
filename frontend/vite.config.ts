import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';
import { fileURLToPath } from 'node:url';

// The API serves dist/ at "/" with a history fallback, so assets use absolute "/" URLs.
// Two entries: index.html (the dashboard) and graphiql.html (the self-hosted GraphiQL the
// API serves at GET /graphql to browsers). The dashboard never imports GraphiQL/Monaco;
// the manifest lets scripts/size.mjs budget only the chunks index.html can load.
// In dev, /graphql and /auth are proxied to the API (default http://127.0.0.1:8000).
const apiTarget = process.env.API_URL ?? 'http://127.0.0.1:8000';

export default defineConfig({
  base: '/',
  plugins: [react(), tailwindcss()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    manifest: true, // dist/.vite/manifest.json (not served: only dist/assets is mounted)
    // Monaco (GraphiQL's editor) is one ~2.8 MB chunk; scripts/size.mjs is the real budget.
    chunkSizeWarningLimit: 3000,
    rolldownOptions: {
      input: {
        index: fileURLToPath(new URL('./index.html', import.meta.url)),
        graphiql: fileURLToPath(new URL('./graphiql.html', import.meta.url)),
      },
      onwarn(warning, defaultHandler) {
        // GraphiQL's React-Compiler output starts modules with "use no memo"; harmless.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE' && warning.message.includes('node_modules')) return;
        defaultHandler(warning);
      },
    },
  },
  // Monaco's workers (src/graphiql/workers.ts) are bundled as ES-module files in assets/.
  worker: { format: 'es' },
  server: {
    proxy: {
      '/graphql': { target: apiTarget, changeOrigin: false },
      '/auth': { target: apiTarget, changeOrigin: false },
    },
  },
});
