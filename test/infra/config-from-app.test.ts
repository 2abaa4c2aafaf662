/**
 * The configuration at synth: cdk.json's `adapter` plus `-c adapter.<path>=value` overrides at any
 * depth and JSON values, every problem in one ConfigError (JSON syntax by line and column, unknown
 * fields, the certificate's region with the command to run), and the construct validating its own
 * props the same way for people who use it in their own app.
 */
import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lambda/core/config';
import { AccountLinkingAdapter } from '../../lib/account-linking-adapter';
import { certificateRegionProblem } from '../../lib/certificate-region';
import { loadConfigFromApp, mergeContext } from '../../lib/config-from-app';
import { testApp } from './helpers';

const CERT_EU = 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-0000-1111-2222-333344445555';
const SKILL = 'amzn1.ask.skill.0a1b2c3d';
const CLIENT = 'amzn1.application-oa2-client.abc';

const problemsOf = (context: Record<string, unknown>, region?: string): string[] => {
  try {
    loadConfigFromApp(testApp(context), { region });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
};

describe('-c overrides at any depth', () => {
  it('-c adapter.smartHome.skillId=… and -c adapter.smartHome.alexaClientId=… build the nested object', () => {
    const cfg = loadConfigFromApp(testApp({ 'adapter.smartHome.skillId': SKILL, 'adapter.smartHome.alexaClientId': CLIENT, 'adapter.smartHome.lwaTimeoutMs': '3000' }));
    expect(cfg.smartHome).toMatchObject({ skillId: SKILL, alexaClientId: CLIENT, lwaTimeoutMs: 3000 });
  });

  it("-c 'adapter.smartHome={…}' takes a JSON value, and a deeper override refines it", () => {
    const cfg = loadConfigFromApp(
      testApp({ 'adapter.smartHome': JSON.stringify({ skillId: SKILL, alexaClientId: CLIENT, gatewayRegion: 'NA' }), 'adapter.smartHome.gatewayRegion': 'EU' }),
    );
    expect(cfg.smartHome).toMatchObject({ skillId: SKILL, alexaClientId: CLIENT, gatewayRegion: 'EU' });
  });

  it('converts text to what the field expects: numbers, booleans, lists; keeps text fields as text', () => {
    const { merged, problems } = mergeContext(
      { provider: 'github' },
      { 'adapter.upstreamTimeoutMs': '3000', 'adapter.extraRedirectHosts': 'skills-store.amazon.com, alexa.amazon.de', 'adapter.vendorId': '1234', 'adapter.profile.tokenRequest.sendRedirectUri': 'false' },
    );
    expect(problems).toEqual([]);
    expect(merged).toEqual({
      provider: 'github',
      upstreamTimeoutMs: 3000,
      extraRedirectHosts: ['skills-store.amazon.com', 'alexa.amazon.de'],
      vendorId: '1234',
      profile: { tokenRequest: { sendRedirectUri: false } },
    });
  });

  it('a broken JSON value names the flag, the line and the column', () => {
    expect(problemsOf({ 'adapter.smartHome': `{"skillId": "${SKILL}", alexaClientId: "${CLIENT}"}` })).toEqual([
      `-c adapter.smartHome: not valid JSON: line 1, column ${`{"skillId": "${SKILL}", `.length + 1}: unexpected 'a'; expected a property name in double quotes\n` +
        `      {"skillId": "${SKILL}", alexaClientId: "${CLIENT}"}\n` +
        `      ${' '.repeat(`{"skillId": "${SKILL}", `.length)}^`,
    ]);
  });

  it('the whole object as JSON text with a syntax error: line and column', () => {
    expect(problemsOf({ adapter: '{\n  "provider": "github",\n  "tokenUrl": "https://x.example.com/t",\n}' })[0]).toMatch(/^adapter: not valid JSON: line 4, column 1: a comma before \}/);
  });

  it('an unknown nested field gets a suggestion; a path through a value is refused', () => {
    expect(problemsOf({ 'adapter.smartHom.skillId': SKILL })).toEqual(['smartHom: unknown field; did you mean "smartHome"?']);
    expect(problemsOf({ 'adapter.tokenUrl.host': 'x' })).toEqual([
      '-c adapter.tokenUrl.host: tokenUrl is "https://github.com/login/oauth/access_token", not an object, so it has no field "host"',
    ]);
  });

  it('everything at once: JSON value, field, provider and the certificate\'s region', () => {
    const problems = problemsOf(
      {
        'adapter.provider': 'githb',
        'adapter.upstreamTimoutMs': '3000',
        'adapter.smartHome': '{bad',
        'adapter.domainName': 'link.example.com',
        'adapter.certificateArn': CERT_EU,
      },
      'us-east-1',
    );
    expect(problems.map((p) => p.split(':')[0])).toEqual(['-c adapter.smartHome', 'upstreamTimoutMs', 'provider', 'certificateArn']);
  });
});

describe("the certificate's region", () => {
  it('says where the certificate is, where the stack goes, and what to run either way', () => {
    expect(certificateRegionProblem(CERT_EU, 'us-east-1', 'link.example.com')).toBe(
      'certificateArn: the certificate is in eu-west-1 but the stack deploys to us-east-1; a regional API Gateway custom domain needs a ' +
        "certificate from the stack's own region. Either deploy to eu-west-1 (AWS_REGION=eu-west-1 npx cdk deploy …, or env: { region: 'eu-west-1' } " +
        'on your stack), or request a certificate in us-east-1 and use its ARN: aws acm request-certificate --region us-east-1 --domain-name link.example.com --validation-method DNS',
    );
    expect(certificateRegionProblem(CERT_EU, 'eu-west-1')).toBeUndefined();
    expect(certificateRegionProblem(CERT_EU, undefined)).toBeUndefined();
  });

  it('loadConfigFromApp checks it against the region the CDK CLI deploys to', () => {
    expect(problemsOf({ 'adapter.domainName': 'link.example.com', 'adapter.certificateArn': CERT_EU }, 'us-east-1')).toEqual([
      certificateRegionProblem(CERT_EU, 'us-east-1', 'link.example.com'),
    ]);
    expect(loadConfigFromApp(testApp({ 'adapter.domainName': 'link.example.com', 'adapter.certificateArn': CERT_EU }), { region: 'eu-west-1' }).certificateArn).toBe(CERT_EU);
  });
});

describe('AccountLinkingAdapter validates its props like the CLI does', () => {
  const stack = (region = 'eu-west-1') => new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'S', { env: { account: '123456789012', region } });

  it('takes the configuration as written (defaults applied) and exposes the validated one', () => {
    const a = new AccountLinkingAdapter(stack(), 'Link', { config: { provider: 'github', tokenUrl: 'https://github.com/login/oauth/access_token' } });
    expect(a.config).toMatchObject({ provider: 'github', upstreamTimeoutMs: 4000, mode: 'passthrough', tableRemovalPolicy: 'retain' });
    expect(a.authorizationUri).toBe('https://github.com/login/oauth/authorize');
  });

  it('one ConfigError names the configuration\'s and the props\' problems together', () => {
    try {
      new AccountLinkingAdapter(stack('us-east-1'), 'Link', {
        config: { provider: 'githb', tokenUrl: 'https://github.com/login/oauth/access_token', domainName: 'link.example.com', certificateArn: CERT_EU },
        tokenMemorySize: 64,
      });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).message).toMatch(/^invalid adapter configuration \(AccountLinkingAdapter S\/Link\):/);
      expect((err as ConfigError).problems.map((p) => p.split(':')[0])).toEqual(['provider', 'tokenMemorySize', 'certificateArn']);
    }
  });
});
