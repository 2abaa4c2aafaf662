/**
 * The contracts that tie lambda/, lib/, local/ and cli/ together, each defined once. Nothing here
 * imports the AWS SDK or aws-cdk-lib: lib/ re-exports from here instead of keeping copies, and the
 * Lambda bundles and the CLI import it. Lambda code imports the one module it needs (`../contract/table`)
 * rather than this barrel, so a handler's bundle carries only what it uses.
 */
export * from './deadlines';
export * from './env';
export * from './outputs';
export * from './record-type';
export * from './routes';
export * from './table';
