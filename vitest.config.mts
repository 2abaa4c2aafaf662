import { defineConfig } from 'vitest/config';

// CI asks for a JSON report beside the console output so it can print a plain "N passed, N failed" line.
const jsonReport = process.env.VITEST_JSON_REPORT;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // A fixed deployment key (stable fingerprints in snapshots, shared with spawned handler processes).
    setupFiles: ['test/support/deployment-key-setup.ts'],
    reporters: jsonReport ? ['default', 'json'] : ['default'],
    ...(jsonReport ? { outputFile: { json: jsonReport } } : {}),
  },
});
