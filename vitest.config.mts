import { defineConfig } from 'vitest/config';
import { acknowledgeSdkNodeNotice } from './cli/node-support.ts';

// The AWS SDK's Node 20 notice concerns SDK releases this repository does not use (cli/node-support.ts);
// the test processes (and the processes they start) inherit the acknowledgement.
acknowledgeSdkNodeNotice(process.env);

// CI asks for a JSON report beside the console output so it can print a plain "N passed, N failed" line.
const jsonReport = process.env.VITEST_JSON_REPORT;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Builds the prebuilt Lambda handler bundles once, before any test synthesizes a stack.
    globalSetup: ['test/support/global-setup.ts'],
    // A fixed deployment key (stable fingerprints in snapshots, shared with spawned handler processes).
    setupFiles: ['test/support/deployment-key-setup.ts'],
    reporters: jsonReport ? ['default', 'json'] : ['default'],
    ...(jsonReport ? { outputFile: { json: jsonReport } } : {}),
  },
});
