import { defineConfig } from 'vitest/config';

/**
 * The tests Stryker runs against mutants (`npm run mutation`, stryker.config.mjs): the unit and
 * loopback tests of the modules that carry the README's promises, without the CDK, CLI, browser and
 * multi-process suites (they add minutes per run and kill no mutant of these modules).
 */
// STRYKER_TESTS="glob,glob" narrows the set (a run over a few modules, e.g. while mending survivors).
const narrowed = process.env.STRYKER_TESTS?.split(',').filter(Boolean);

export default defineConfig({
  test: {
    include: narrowed ?? [
      'test/core/**/*.test.ts',
      'test/authorize/core.test.ts',
      'test/authorize/open-redirect.test.ts',
      'test/http/*.test.ts',
      'test/e2e/node-oauth-server.test.ts',
      'test/authorize/code-link.test.ts',
      'test/store/refresh-guard.test.ts',
      'test/store/sealed.test.ts',
      'test/store/single-flight.test.ts',
      'test/store/single-flight-dynalite.test.ts',
      'test/security/canary-secrets.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
