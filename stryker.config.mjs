// Mutation testing (README "Mutation testing"): `npm run mutation`, or one module with
// `npm run mutation -- --mutate lambda/core/form.ts`. Runs outside .ci/run (it takes tens of minutes).
// No TypeScript checker plugin: TypeScript 7 has no compiler API; a mutant that does not type-check
// and still passes the tests is listed as a survivor and judged by hand (test/mutation/equivalent.md).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'test/mutation/vitest.config.mts', related: false },
  // The modules that carry the README's promises (issue 10).
  mutate: [
    'lambda/core/basic-auth.ts',
    'lambda/core/form.ts',
    'lambda/core/token-request.ts',
    'lambda/core/upstream-request.ts',
    'lambda/core/upstream-call.ts',
    'lambda/core/oauth-error.ts',
    'lambda/core/translate.ts',
    'lambda/core/scrub.ts',
    'lambda/core/redact.ts',
    'lambda/core/record-guard.ts',
    'lambda/core/log-values.ts',
    'lambda/core/secret-scope.ts',
    'lambda/core/fingerprint.ts',
    'lambda/core/deployment-key.ts',
    'lambda/core/sealed.ts',
    'lambda/core/refresh-guard.ts',
    'lambda/core/authorize/pkce.ts',
    'lambda/core/authorize/redirect-uri.ts',
    'lambda/core/authorize/code-link.ts',
    'lambda/core/authorize/grant-store.ts',
    'lambda/store/single-flight.ts',
  ],
  // Stryker rewrites the tsconfig's extends/references with TypeScript's compiler API, which TypeScript 7
  // lacks; ours has neither, so point it at a file that does not exist and the rewrite is skipped.
  tsconfigFile: 'stryker-skips-tsconfig-rewrite.json',
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 20_000,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  thresholds: { high: 90, low: 80, break: null },
};
