/**
 * Configuration a person gets right in one pass: every problem named at once (the unknown provider
 * and the cross-field rules included, which valibot alone reports only once the rest is valid), a
 * "did you mean" for misspelt fields, ids and values, and plain words instead of the validator's
 * own ("Invalid key: Expected … but received undefined").
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { AdapterConfigSchema, ConfigError, checkAdapterConfig, parseAdapterConfig, parseRuntimeConfig } from '../../lambda/core/config';
import { closestMatch, schemaAt } from '../../lambda/core/config-problems';
import { parseSmartHomeConfig } from '../../lambda/core/smart-home/config';

const BASE = { provider: 'github', tokenUrl: 'https://github.com/login/oauth/access_token' };
const SMART_HOME = { skillId: 'amzn1.ask.skill.0a1b2c3d', alexaClientId: 'amzn1.application-oa2-client.abc' };

const problemsOf = (input: unknown) => checkAdapterConfig(input).problems;

/** What a message must never contain: valibot's own vocabulary. */
const VALIDATOR_WORDS = /Invalid (key|type|value|length|integer|format)|Expected|received|never|undefined|\bObject\b|\bArray\b/;

describe('one pass: every problem at once', () => {
  it('the issue\'s examples together: unknown provider, misspelt field, quoted number, missing nested key, misspelt value', () => {
    const problems = problemsOf({
      provider: 'githb',
      tokenUrl: 'https://github.com/login/oauth/access_token',
      upstreamTimoutMs: 3000,
      throttleRateLimit: '3000',
      mode: 'intercept',
      smartHome: { skillId: SMART_HOME.skillId },
    });
    expect(problems).toEqual([
      'mode: must be one of "passthrough", "interception", got "intercept"; did you mean "interception"?',
      'throttleRateLimit: must be a number; write 3000 without quotes',
      'smartHome.alexaClientId: required',
      'upstreamTimoutMs: unknown field; did you mean "upstreamTimeoutMs"?',
      'provider: unknown profile "githb"; did you mean "github"? (built-in profiles: generic, github, github-app, google, microsoft, slack, apple, fitbit, withings, reddit, strava, x, spotify, home-assistant, notion, dropbox, auth0, okta, cognito, lwa; or define your own under "profile")',
    ]);
    for (const p of problems) expect(p).not.toMatch(VALIDATOR_WORDS);
  });

  it('cross-field rules are named together with field problems', () => {
    expect(problemsOf({ ...BASE, upstreamTimeoutMs: 'soon', domainName: 'link.example.com', alarmEmail: 'a@example.com', alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:t' })).toEqual([
      'upstreamTimeoutMs: must be a number, got "soon"',
      '(the configuration): domainName and certificateArn must be given together',
      '(the configuration): give alarmEmail or alarmTopicArn, not both',
    ]);
    expect(problemsOf({ provider: 'generic', tokenUrl: 'https://op.example.com/token', mode: 'interception', grantTtlSeconds: 5 })).toEqual([
      'grantTtlSeconds: must be at least 60, got 5',
      'authorizeUrl: required in interception mode (the provider profile has no default authorization endpoint)',
    ]);
  });

  it('a valid object with an unknown provider and a cross-field problem: both', () => {
    expect(problemsOf({ provider: 'gihub', tokenUrl: BASE.tokenUrl, domainName: 'link.example.com' })).toEqual([
      '(the configuration): domainName and certificateArn must be given together',
      expect.stringMatching(/^provider: unknown profile "gihub"; did you mean "github"\?/),
    ]);
  });

  it('Apple\'s required settings come with the other problems', () => {
    expect(problemsOf({ provider: 'apple', tokenUrl: 'https://appleid.apple.com/auth/token', appleTeamId: 'ABCDE12345', logRetentionDays: 42 })).toEqual([
      'logRetentionDays: must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, got 42',
      'appleKeyId: required when the profile\'s client authentication is apple_jwt (provider "apple")',
      'applePrivateKeySecretArn: required when the profile\'s client authentication is apple_jwt (provider "apple")',
    ]);
  });

  it('several problems of one field share one line', () => {
    expect(problemsOf({ ...BASE, throttleRateLimit: 0.5 })).toEqual(['throttleRateLimit: must be a whole number, got 0.5; must be at least 1, got 0.5']);
  });

  it('the Lambda\'s runtime configuration is checked in one pass too', () => {
    try {
      parseRuntimeConfig({ provider: 'googel', tokenUrl: 'http://oauth2.googleapis.com/token' }, 'ADAPTER_CONFIG');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toEqual([
        'tokenUrl: must use https (plain http is allowed only for localhost / 127.0.0.1), got "http://oauth2.googleapis.com/token"',
        expect.stringMatching(/^provider: unknown profile "googel"; did you mean "google"\?/),
      ]);
    }
  });

  it('ConfigError lists each problem on its own line under the source', () => {
    expect(() => parseAdapterConfig({ ...BASE, nope: 1, upstreamTimeoutMs: 9000 }, 'cdk.json')).toThrow(
      'invalid adapter configuration (cdk.json):\n  - upstreamTimeoutMs: must be at most 4400, got 9000\n  - nope: unknown field',
    );
  });
});

describe('did you mean', () => {
  it.each([
    [{ ...BASE, tokenurl: 'x' }, 'tokenurl: unknown field; did you mean "tokenUrl"?'],
    [{ ...BASE, smartHom: SMART_HOME }, 'smartHom: unknown field; did you mean "smartHome"?'],
    [{ ...BASE, smartHome: { ...SMART_HOME, skilId: 'x' } }, 'smartHome.skilId: unknown field; did you mean "skillId"?'],
    [{ ...BASE, smartHome: { ...SMART_HOME, gatewayRegion: 'na' } }, 'smartHome.gatewayRegion: must be one of "NA", "EU", "FE", got "na"; did you mean "NA"?'],
    [{ ...BASE, tableRemovalPolicy: 'retian' }, 'tableRemovalPolicy: must be one of "retain", "destroy", got "retian"; did you mean "retain"?'],
    [{ ...BASE, refreshGrace: 60 }, 'refreshGrace: unknown field; did you mean "refreshGraceSeconds"?'],
  ])('%j', (input, expected) => {
    expect(problemsOf(input)).toEqual([expected]);
  });

  it('offers nothing when nothing is close', () => {
    expect(problemsOf({ ...BASE, colour: 'blue' })).toEqual(['colour: unknown field']);
    expect(closestMatch('gitlab', ['github', 'google'])).toBeUndefined();
    expect(closestMatch('githb', ['github', 'google'])).toBe('github');
    expect(closestMatch('GITHUB', ['github'])).toBe('github');
  });
});

describe('plain wording for every field', () => {
  const entries = Object.keys((AdapterConfigSchema.pipe[0] as unknown as { entries: Record<string, unknown> }).entries);
  const wrongValues = [42, 'text', true, null, [1], { a: 1 }, -1, 1.5, ''];

  it.each(entries)('%s: a wrong value of any kind gets a message without validator words', (field) => {
    for (const value of wrongValues) {
      for (const p of problemsOf({ ...BASE, [field]: value })) {
        expect(p, `${field} = ${JSON.stringify(value)}`).not.toMatch(VALIDATOR_WORDS);
        expect(p.startsWith(`${field}`) || p.startsWith('(the configuration)') || p.startsWith('provider:') || p.startsWith('authorizeUrl:'), p).toBe(true);
      }
    }
  });

  it.each(['skillId', 'alexaClientId', 'forwardTargetArn', 'gatewayRegion', 'lwaTokenUrl', 'gatewayUrl', 'lwaTimeoutMs'])('smartHome.%s: the same', (field) => {
    expect(schemaAt(AdapterConfigSchema.pipe[0], ['smartHome', field])).toBeDefined();
    for (const value of wrongValues) {
      for (const p of problemsOf({ ...BASE, smartHome: { ...SMART_HOME, [field]: value } })) expect(p, `${field} = ${JSON.stringify(value)}`).not.toMatch(VALIDATOR_WORDS);
    }
  });

  test.prop([fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 })])('any object: every message is plain', (extra) => {
    for (const p of problemsOf({ ...BASE, ...extra })) expect(p).not.toMatch(VALIDATOR_WORDS);
  });

  it('a configuration that is not an object', () => {
    expect(problemsOf('github')).toEqual(['(the configuration): must be an object ({…}), got "github"']);
    expect(problemsOf(null)).toEqual(['(the configuration): must be an object ({…}), got null']);
  });

  it('the smart-home Lambda\'s own check speaks the same way', () => {
    expect(() => parseSmartHomeConfig({ skillId: SMART_HOME.skillId, lwaTimeoutMs: '5000' })).toThrow(
      'invalid smartHome configuration:\n  - smartHome.alexaClientId: required\n  - smartHome.lwaTimeoutMs: must be a number; write 5000 without quotes',
    );
  });
});
