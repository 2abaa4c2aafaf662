/**
 * vitest setup (every test file): one fixed deployment key for the whole run, through the variable
 * local mode reads (lambda/core/deployment-key.ts). Fixed so that fingerprints in output snapshots
 * are stable; through the environment so that handler processes a test spawns share it, as every
 * instance of one deployment does. Tests of the key itself install their own.
 */
import { DEPLOYMENT_KEY_ENV } from '../../lambda/core/deployment-key';

process.env[DEPLOYMENT_KEY_ENV] ??= 'test-only-deployment-key-0123456789abcdefghijklmnopqrstuvwxyz';
