/**
 * `skill-config`: the skill's account-linking settings as the Alexa Skill Management API request,
 * from the stack's outputs (CloudFormation faked at the HTTP level) or local mode's, checked against
 * the shape Amazon documents (test/support/smapi-account-linking.ts); the client secret only from its
 * environment variable, else a named placeholder; the exact ask command on stderr.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLIENT_ID_PLACEHOLDER, CLIENT_SECRET_ENV, CLIENT_SECRET_PLACEHOLDER } from '../../cli/skill-config';
import { useFakeAws, type FakeAws } from '../support/fake-aws-logs';
import { accountLinkingRequestProblems } from '../support/smapi-account-linking';
import { runCli } from './cli-support';

const SECRET = 'provider-client-secret-for-the-test';
let aws: FakeAws;
let env: Record<string, string>;
const dirs: string[] = [];

const PASSTHROUGH = {
  AccessTokenUri: 'https://abc123.execute-api.eu-west-1.amazonaws.com/token',
  AuthorizationUri: 'https://github.com/login/oauth/authorize',
  AuthenticationScheme: 'HTTP Basic (Recommended)',
  DomainList: 'none needed for the token leg',
  TokenLogGroupName: 'AlexaLinkAdapter-AdapterTokenLogGroup1A2B3C4D-aBcDeFgHiJkL',
  AccessLogGroupName: 'AlexaLinkAdapter-AdapterAccessLogGroup5E6F7A8B-mNoPqRsTuVwX',
};
const INTERCEPTION_SMART_HOME = {
  ...PASSTHROUGH,
  AccessTokenUri: 'https://link.example.com/token',
  AuthorizationUri: 'https://link.example.com/authorize',
  ProviderRedirectUri: 'https://link.example.com/callback',
  DomainList: 'accounts.google.com',
  SmartHomeFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:AlexaLinkAdapter-SmartHome',
};

const fake = useFakeAws();
beforeAll(() => {
  ({ aws, env } = fake());
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
beforeEach(() => {
  aws.calls.length = 0;
  aws.stacks.clear();
  aws.stacks.set('AlexaLinkAdapter', PASSTHROUGH);
  aws.stacks.set('LinkProd', INTERCEPTION_SMART_HOME);
});

const request = (stdout: string) => JSON.parse(stdout) as { accountLinkingRequest: Record<string, unknown> };

describe('skill-config from the stack outputs (DescribeStacks)', () => {
  it('passthrough: the provider\'s authorization URL, our token URL, HTTP Basic, no domains; documented shape', async () => {
    const r = await runCli(['skill-config', '--client-id', 'Iv1.abc', '--scope', 'repo', '--scope', 'read:user'], { env: { ...env, [CLIENT_SECRET_ENV]: SECRET } });
    expect(r.code).toBe(0);
    const body = request(r.stdout);
    expect(accountLinkingRequestProblems(body)).toEqual([]);
    expect(body).toEqual({
      accountLinkingRequest: {
        type: 'AUTH_CODE',
        authorizationUrl: 'https://github.com/login/oauth/authorize',
        accessTokenUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com/token',
        accessTokenScheme: 'HTTP_BASIC',
        clientId: 'Iv1.abc',
        clientSecret: SECRET,
        scopes: ['repo', 'read:user'],
        domains: [],
      },
    });
    expect(aws.calls.map((c) => c.operation)).toEqual(['DescribeStacks']);
    // The secret is in the request (stdout) and nowhere else.
    expect(r.stderr).not.toContain(SECRET);
    expect(r.stderr).toContain('Account-linking request from the outputs of stack AlexaLinkAdapter (eu-west-1).');
    expect(r.stderr).toContain(
      '  npx alexa-link-adapter skill-config --client-id Iv1.abc --scope repo --scope read:user > account-linking.json\n' +
        '  ask smapi update-account-linking-info --skill-id amzn1.ask.skill.REPLACE_WITH_YOUR_SKILL_ID --stage development --account-linking-request file:account-linking.json\n',
    );
  });

  it('interception + smart home: our /authorize, the login host as domain, the redirect URI to register; --out FILE (mode 600)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skill-config-'));
    dirs.push(dir);
    const out = join(dir, 'linking.json');
    const r = await runCli(['skill-config', '--stack', 'LinkProd', '--client-id', 'app.apps.googleusercontent.com', '--scope', 'openid', '--skill-id', 'amzn1.ask.skill.0a1b', '--stage', 'live', '--token-expiry', '3600', '--out', out, '--ask-profile', 'work'], {
      env: { ...env, [CLIENT_SECRET_ENV]: SECRET },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const body = request(readFileSync(out, 'utf8'));
    expect(accountLinkingRequestProblems(body)).toEqual([]);
    expect(body.accountLinkingRequest).toMatchObject({
      authorizationUrl: 'https://link.example.com/authorize',
      accessTokenUrl: 'https://link.example.com/token',
      domains: ['accounts.google.com'],
      scopes: ['openid'],
      defaultTokenExpirationInSeconds: 3600,
    });
    expect(r.stderr).toContain(`  ask smapi update-account-linking-info --skill-id amzn1.ask.skill.0a1b --stage live --account-linking-request file:${out} --profile work\n`);
    expect(r.stderr).toContain('register https://link.example.com/callback as your OAuth client\'s redirect URI');
    expect(r.stderr).not.toContain(SECRET);
  });

  it('without the environment variable: named placeholders, each explained on stderr; still the documented shape', async () => {
    const r = await runCli(['skill-config', '--stack', 'LinkProd'], { env });
    expect(r.code).toBe(0);
    const body = request(r.stdout);
    expect(accountLinkingRequestProblems(body)).toEqual([]);
    expect(body.accountLinkingRequest).toMatchObject({ clientId: CLIENT_ID_PLACEHOLDER, clientSecret: CLIENT_SECRET_PLACEHOLDER, scopes: [] });
    expect(r.stderr).toContain(`clientSecret: set ${CLIENT_SECRET_ENV} in the environment`);
    expect(r.stderr).toContain('clientId: pass --client-id');
    expect(r.stderr).toContain('scopes: a smart-home skill must request at least one scope');
  });

  it('passthrough without a known authorization URL: a placeholder and what to do', async () => {
    aws.stacks.set('Generic', { ...PASSTHROUGH, AuthorizationUri: "Use your OAuth provider's own authorization URL (passthrough mode: …)." });
    const r = await runCli(['skill-config', '--stack', 'Generic', '--client-id', 'c'], { env });
    expect(request(r.stdout).accountLinkingRequest.authorizationUrl).toBe('REPLACE_WITH_THE_PROVIDER_AUTHORIZATION_URL');
    expect(r.stderr).toMatch(/authorizationUrl: the provider's authorization URL is not known/);
  });

  it.each([
    [['--scope', 'repo gist'], /--scope "repo gist": a scope is one token/],
    [Array.from({ length: 16 }, (_, i) => ['--scope', `s${i}`]).flat(), /16 scopes; Alexa accepts at most 15/],
    [['--stage', 'developement'], /--stage: "developement" is not a skill stage; use development, certified, live; did you mean "development"\?/],
    [['--token-expiry', '1h'], /--token-expiry: "1h" is not a number of seconds/],
  ])('%j → exit 2 with a message', async (args, message) => {
    const r = await runCli(['skill-config', ...args], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('a stack that does not exist: exit 2, what to do', async () => {
    const r = await runCli(['skill-config', '--stack', 'Nope'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/stack Nope: .*does not exist.*cdk deploy/);
  });
});

describe('skill-config --local', () => {
  it('without a running local mode: the built-in demo on http://127.0.0.1:$PORT, documented shape', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skill-config-local-'));
    dirs.push(dir);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const r = await runCli(['skill-config', '--local', '--client-id', 'demo-client', '--scope', 'repo'], { env: { PORT: '3700' } });
      expect(r.code).toBe(0);
      const body = request(r.stdout);
      expect(accountLinkingRequestProblems(body)).toEqual([]);
      expect(body.accountLinkingRequest).toMatchObject({
        authorizationUrl: 'http://127.0.0.1:3700/authorize',
        accessTokenUrl: 'http://127.0.0.1:3700/token',
        domains: ['127.0.0.1'],
        clientSecret: CLIENT_SECRET_PLACEHOLDER,
      });
      expect(r.stderr).toMatch(/from the built-in demo as local mode runs it on http:\/\/127\.0\.0\.1:3700 \(npm start; local mode is not running now\)/);
      expect(aws.calls).toEqual([]);
    } finally {
      process.chdir(cwd);
    }
  });

  it('--local --config FILE (passthrough, google): the profile\'s authorization URL and documented token lifetime', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skill-config-local-'));
    dirs.push(dir);
    const file = join(dir, 'google.json');
    writeFileSync(file, JSON.stringify({ provider: 'google', tokenUrl: 'https://oauth2.googleapis.com/token' }));
    const r = await runCli(['skill-config', '--local', '--config', file, '--client-id', 'x.apps.googleusercontent.com', '--scope', 'openid'], { env: {} });
    expect(r.code).toBe(0);
    const body = request(r.stdout);
    expect(accountLinkingRequestProblems(body)).toEqual([]);
    expect(body.accountLinkingRequest).toMatchObject({ authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth', accessTokenUrl: 'http://127.0.0.1:3000/token', domains: [] });
  });
});

describe('the documented shape is a real check', () => {
  it.each([
    [{ accountLinkingRequest: { type: 'AUTH_CODE', authorizationUrl: 'https://a', clientId: 'c', clientSecret: 's', accessTokenUrl: 'https://t' } }, ['accountLinkingRequest.accessTokenScheme: required for AUTH_CODE']],
    [{ accountLinkingRequest: { type: 'CODE', authorizationUrl: 'https://a', clientId: 'c' } }, ['accountLinkingRequest.type: must be one of AUTH_CODE, IMPLICIT']],
    [{ type: 'AUTH_CODE' }, ['type: not a field of AccountLinkingRequest', 'accountLinkingRequest: must be an object']],
    [{ accountLinkingRequest: { type: 'IMPLICIT', authorizationUrl: 'https://a', clientId: 'c', scope: ['x'] } }, ['accountLinkingRequest.scope: not a documented field']],
  ])('%j', (body, problems) => {
    expect(accountLinkingRequestProblems(body)).toEqual(problems);
  });
});
