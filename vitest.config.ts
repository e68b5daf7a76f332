import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A generated project's own files (its tests run inside that project, not here).
    exclude: ['test/fixtures/**', '**/node_modules/**'],
    // End-to-end tests install and build generated projects; unit tests finish in milliseconds.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
