import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests start their own local DRS service on an ephemeral port; two cores, so
    // a couple of files at a time is what this machine runs well.
    maxWorkers: 2,
  },
});
