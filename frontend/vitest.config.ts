import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import viteConfig from './vite.config.ts';

// src/operations.test.ts imports the backend's SDL (../schema.graphql?raw): the tests, which
// serve nothing over HTTP, may read the repository root as well as frontend/.
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export default mergeConfig(
  viteConfig,
  defineConfig({
    server: { fs: { allow: [repoRoot] } },
    test: {
      environment: 'jsdom',
      globals: true,
      setupFiles: ['./src/test/setup.ts'],
      include: ['src/**/*.test.{ts,tsx}'],
      css: false,
      restoreMocks: true,
      // Generous limits: CI machines are small (2 cores) and may be busy.
      testTimeout: 20_000,
    },
  }),
);
