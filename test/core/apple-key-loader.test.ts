/** Where the Lambda and local mode get Sign in with Apple's private key from. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appleKeyLoader } from '../../lambda/shared/apple-key-from-env';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:apple-key-AbCdEf';

describe('appleKeyLoader', () => {
  it('prefers APPLE_PRIVATE_KEY, then APPLE_PRIVATE_KEY_FILE (local mode), over the secret', async () => {
    expect(await appleKeyLoader(ARN, { APPLE_PRIVATE_KEY: 'PEM-TEXT', APPLE_PRIVATE_KEY_FILE: '/nonexistent' })!()).toBe('PEM-TEXT');
    const file = join(mkdtempSync(join(tmpdir(), 'apple-')), 'AuthKey_KEY1234567.p8');
    writeFileSync(file, 'PEM-FROM-FILE');
    expect(await appleKeyLoader(ARN, { APPLE_PRIVATE_KEY_FILE: file })!()).toBe('PEM-FROM-FILE');
  });

  it('is undefined without any source, and a Secrets Manager loader with only the ARN', () => {
    expect(appleKeyLoader(undefined, {})).toBeUndefined();
    expect(typeof appleKeyLoader(ARN, {})).toBe('function');
  });
});
