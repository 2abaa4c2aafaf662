import { describe, expect, it } from 'vitest';
import { gatewayUrlFor, isSecretSet, marketOfAwsRegion, parseSmartHomeConfig, SECRET_PLACEHOLDER } from '../../lambda/core/smart-home/config';
import { cachedSecret } from '../../lambda/shared/smart-home-from-env';

const base = { skillId: 'amzn1.ask.skill.abc-123', alexaClientId: 'amzn1.application-oa2-client.x' };

describe('smartHome settings', () => {
  it('maps the AWS region Alexa invoked to the market and its gateway', () => {
    expect(marketOfAwsRegion('us-east-1')).toBe('NA');
    expect(marketOfAwsRegion('eu-west-1')).toBe('EU');
    expect(marketOfAwsRegion('us-west-2')).toBe('FE');
    const c = parseSmartHomeConfig(base);
    expect(gatewayUrlFor(c, 'eu-west-1')).toEqual({ url: 'https://api.eu.amazonalexa.com/v3/events', region: 'EU' });
    expect(gatewayUrlFor(c, 'us-west-2').url).toBe('https://api.fe.amazonalexa.com/v3/events');
    expect(gatewayUrlFor(parseSmartHomeConfig({ ...base, gatewayRegion: 'NA' }), 'eu-west-1').url).toBe('https://api.amazonalexa.com/v3/events');
  });

  it('defaults LWA and the budget; refuses plain http off loopback, naming the field', () => {
    expect(parseSmartHomeConfig(base)).toMatchObject({ lwaTokenUrl: 'https://api.amazon.com/auth/o2/token', lwaTimeoutMs: 5000 });
    expect(() => parseSmartHomeConfig({ ...base, lwaTokenUrl: 'http://lwa.example.com/token' })).toThrow(/smartHome\.lwaTokenUrl: must use https/);
    expect(() => parseSmartHomeConfig({ ...base, lwaTimeoutMs: 9000 })).toThrow(/smartHome\.lwaTimeoutMs/);
  });

  it('treats the stack placeholder and blanks as an unset secret', () => {
    expect(isSecretSet(SECRET_PLACEHOLDER)).toBe(false);
    expect(isSecretSet(' ')).toBe(false);
    expect(isSecretSet(undefined)).toBe(false);
    expect(isSecretSet('abc')).toBe(true);
  });

  it('caches a set secret for its TTL, and re-reads an unset one on every call', async () => {
    let t = 0;
    const values = [undefined, 's1', 's2'];
    let reads = 0;
    const get = cachedSecret(async () => values[reads++], 1000, () => t);
    expect(await get()).toBeUndefined();
    expect(await get()).toBe('s1');
    t = 500;
    expect(await get()).toBe('s1');
    t = 1500;
    expect(await get()).toBe('s2');
    expect(reads).toBe(3);
  });
});
