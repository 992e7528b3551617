import { defineConfig } from 'vitest/config';

// Layers, run in this order by `npm test`: pure logic, the report in a real browser, a real Docker engine, real kind clusters.
// The end-to-end layer runs its files one at a time: two kind clusters on a 2-core machine starve each other.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        // The report in a real headless Chromium (installed on demand by scripts/ensure-chromium.sh); no Docker.
        test: {
          name: 'report',
          include: ['test/report/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 15 * 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 15 * 60_000,
          hookTimeout: 60 * 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 30 * 60_000,
          hookTimeout: 60 * 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
