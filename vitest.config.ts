import { defineConfig } from 'vitest/config';

// Layers, run in this order by `npm test` (sequence.groupOrder; projects would otherwise run all at
// once): pure logic, the report in a real browser, a real Docker engine, real kind clusters.
// The Docker and kind layers run their files one at a time: two kind clusters on a 2-core machine
// starve each other.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        // The report in a real headless Chromium (installed on demand by scripts/ensure-chromium.sh); no Docker.
        test: {
          name: 'report',
          sequence: { groupOrder: 1 },
          include: ['test/report/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 15 * 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'integration',
          sequence: { groupOrder: 2 },
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 15 * 60_000,
          hookTimeout: 60 * 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          sequence: { groupOrder: 3 },
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 30 * 60_000,
          hookTimeout: 60 * 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
