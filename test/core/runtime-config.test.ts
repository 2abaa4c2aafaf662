/**
 * The runtime part of the configuration (`runtimePart`, passed to the Lambdas as ADAPTER_CONFIG) is
 * derived from RuntimeConfigSchema, not listed by hand: every runtime field that is set reaches the
 * Lambda, and survives the Lambda's own validation at cold start. A field added to the runtime schema
 * makes the first test fail until SAMPLE gives it a value, and then it is checked like every other.
 */
import { describe, expect, it } from 'vitest';
import { DeploymentConfigSchema, RUNTIME_FIELDS, RuntimeConfigSchema, parseAdapterConfig, parseRuntimeConfig, runtimePart } from '../../lambda/core/config';

/** A value other than the default for every runtime field (recordGrantees: derived from smartHome). */
const SAMPLE = {
  provider: 'acme',
  tokenUrl: 'https://login.acme.example/oauth/token',
  authorizeUrl: 'https://login.acme.example/oauth/authorize',
  upstreamTimeoutMs: 3000,
  clientCredentials: 'passthrough',
  mode: 'interception',
  vendorId: 'M2AAAAAAAAAAAA',
  extraRedirectHosts: ['skills-store.amazon.com'],
  grantTtlSeconds: 900,
  profile: { extends: 'apple', refresh: { invalidGrantHint: 'ACME: 30 days' }, sources: [{ quirk: 'q', url: 'https://docs.acme.example', confidence: 'official' }] },
  appleTeamId: 'ABCDE12345',
  appleKeyId: 'KEY1234567',
  applePrivateKeySecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:apple-key-AbCdEf',
  refreshGraceSeconds: 30,
  recordGrantees: true,
} satisfies Record<keyof typeof RuntimeConfigSchema.entries, unknown>;

const SMART_HOME = { skillId: 'amzn1.ask.skill.0a1b2c3d', alexaClientId: 'amzn1.application-oa2-client.abc' };

describe('runtimePart', () => {
  it('covers every field of the runtime schema, and only those', () => {
    expect([...RUNTIME_FIELDS].sort()).toEqual(Object.keys(RuntimeConfigSchema.entries).sort());
    expect(Object.keys(SAMPLE).sort()).toEqual(Object.keys(RuntimeConfigSchema.entries).sort());
    for (const field of Object.keys(DeploymentConfigSchema.entries)) expect(RUNTIME_FIELDS).not.toContain(field);
  });

  it('hands every runtime field that is set to the Lambda, which accepts it as it is', () => {
    const { recordGrantees: _derived, ...input } = SAMPLE;
    const config = parseAdapterConfig({ ...input, smartHome: SMART_HOME, logRetentionDays: 7 }, 'test');
    const part = runtimePart(config);
    for (const field of RUNTIME_FIELDS) {
      if (field === 'recordGrantees') expect(part.recordGrantees).toBe(true);
      else if (field === 'profile') expect(part.profile).toEqual({ extends: 'apple', refresh: { invalidGrantHint: 'ACME: 30 days' } });
      else expect(part[field], field).toEqual(SAMPLE[field]);
    }
    // Nothing of the deployment part (log retention, smart home, …) travels.
    expect(Object.keys(part).sort()).toEqual([...RUNTIME_FIELDS].sort());
    // ADAPTER_CONFIG is JSON; the Lambda validates it again at cold start and gets the same configuration.
    expect(parseRuntimeConfig(JSON.parse(JSON.stringify(part)), 'ADAPTER_CONFIG')).toEqual(part);
  });

  it('leaves unset optional fields out (not undefined) and derives recordGrantees from smartHome', () => {
    const part = runtimePart(parseAdapterConfig({ provider: 'github', tokenUrl: 'https://github.com/login/oauth/access_token' }, 'test'));
    expect(Object.keys(part)).toEqual(['provider', 'tokenUrl', 'upstreamTimeoutMs', 'clientCredentials', 'mode', 'extraRedirectHosts', 'grantTtlSeconds', 'refreshGraceSeconds', 'recordGrantees']);
    expect(part.recordGrantees).toBe(false);
    // Set by hand without smart home, it is still false: the token route has nobody to record grantees for.
    expect(runtimePart(parseAdapterConfig({ provider: 'github', tokenUrl: 'https://github.com/login/oauth/access_token', recordGrantees: true }, 'test')).recordGrantees).toBe(false);
  });
});
