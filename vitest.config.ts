import { defineConfig } from 'vitest/config';

// Three tiers (docs/TESTING.md): `npm run test:unit`, `test:integration`,
// `test:e2e`; `npm test` runs all of them.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      // Pure modules: no worker, no browser, no network; fast and parallel.
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], sequence: { groupOrder: 0 } } },
      // Integration and browser tests start real mediasoup workers, ffmpeg and
      // Chromium; on a 2-core machine they are steadier one file at a time, and
      // the tiers run one after the other (groupOrder), never side by side.
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts', 'tests/cluster/**/*.test.ts'],
          exclude: ['tests/cluster/**/*.e2e.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts', 'tests/cluster/**/*.e2e.test.ts'], fileParallelism: false, sequence: { groupOrder: 2 } },
      },
    ],
  },
});
