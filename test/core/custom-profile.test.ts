/** Custom profiles in the configuration: extends + overrides, whole profiles, and errors naming the field. */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseAdapterConfig, parseRuntimeConfig, runtimePart } from '../../lambda/core/config';
import { providerAuthorizeUrl } from '../../lambda/core/authorize/config';
import { BUILT_IN_PROFILES } from '../../lambda/core/profiles';
import { selectProfile } from '../../lambda/core/profiles/resolve';
import { ProviderProfileSchema } from '../../lambda/core/profiles/schema';
import * as v from 'valibot';

const base = { tokenUrl: 'https://id.example.com/oauth/token' };

function problems(input: unknown): string[] {
  try {
    parseAdapterConfig(input, 'test');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('custom profiles', () => {
  it('interception mode takes the authorization endpoint of the custom profile\'s base (no authorizeUrl needed)', () => {
    const config = parseAdapterConfig({ ...base, provider: 'my-google', profile: { extends: 'google' }, mode: 'interception' }, 'test');
    expect(providerAuthorizeUrl(config)).toBe(BUILT_IN_PROFILES.google!.authorizeUrl);
    // Without a default anywhere, interception still needs authorizeUrl.
    expect(problems({ ...base, provider: 'acme', profile: { extends: 'generic' }, mode: 'interception' })).toEqual([
      expect.stringMatching(/^authorizeUrl: required in interception mode/),
    ]);
  });

  it('extends a built-in profile: overrides merge, sources append, the id is the provider', () => {
    const config = parseRuntimeConfig({
      ...base,
      provider: 'acme',
      profile: {
        extends: 'withings',
        tokenRequest: { extraParams: { action: 'requesttoken', tenant: 'eu' } },
        refresh: { invalidGrantHint: 'ACME refresh tokens last 30 days' },
        sources: [{ quirk: 'tenant parameter', url: 'https://docs.acme.example/oauth', confidence: 'official' }],
      },
    });
    const { profile } = selectProfile(config);
    expect(profile).toMatchObject({
      id: 'acme',
      response: { envelope: 'body', successWhen: { path: 'status', equals: 0 } },
      tokenRequest: { clientAuth: { method: 'client_secret_post' }, extraParams: { action: 'requesttoken', tenant: 'eu' } },
      refresh: { rotation: 'rotating', invalidGrantHint: 'ACME refresh tokens last 30 days' },
    });
    expect(profile!.sources.at(-1)).toEqual({ quirk: 'tenant parameter', url: 'https://docs.acme.example/oauth', confidence: 'official' });
    expect(profile!.sources.length).toBe(BUILT_IN_PROFILES.withings!.sources.length + 1);
  });

  it('accepts a whole profile without extends', () => {
    const { id: _id, displayName: _d, sources: _s, ...rest } = BUILT_IN_PROFILES.generic!;
    const config = parseRuntimeConfig({ ...base, provider: 'whole', profile: { ...rest, tokenRequest: { ...rest.tokenRequest, bodyEncoding: 'json' } } });
    expect(selectProfile(config).profile).toMatchObject({ id: 'whole', displayName: 'whole', tokenRequest: { bodyEncoding: 'json' } });
  });

  it('a whole profile (no extends) survives runtimePart as an object, as local mode and doctor use it', () => {
    const { id: _id, displayName: _d, ...rest } = BUILT_IN_PROFILES.generic!;
    for (const profile of [rest, { ...rest, sources: undefined }]) {
      const adapter = parseAdapterConfig({ ...base, provider: 'whole', profile }, 'test');
      const runtime = runtimePart(adapter);
      // The documentation-only `sources` is left out, not set to undefined (which the schema refuses).
      expect(runtime.profile).not.toHaveProperty('sources');
      expect(() => parseRuntimeConfig(runtime, 'runtime')).not.toThrow();
      expect(selectProfile(runtime).profile).toMatchObject({ id: 'whole', sources: [] });
      // And as JSON, as the Lambda reads ADAPTER_CONFIG.
      expect(selectProfile(parseRuntimeConfig(JSON.parse(JSON.stringify(runtime)))).problems).toEqual([]);
    }
  });

  it('names the field of a bad value', () => {
    expect(problems({ ...base, provider: 'acme', profile: { extends: 'generic', tokenRequest: { clientAuth: { method: 'private_key_jwt' } } } })).toEqual([
      'profile.tokenRequest.clientAuth.method: must be one of "as_received", "client_secret_basic", "client_secret_post", "none", "apple_jwt", got "private_key_jwt"',
    ]);
    // The Basic encoding option (README "Transparent credentials"): form or raw, and only for client_secret_basic.
    expect(problems({ ...base, provider: 'acme', profile: { extends: 'generic', tokenRequest: { clientAuth: { method: 'client_secret_basic', encoding: 'percent' } } } })).toEqual([
      'profile.tokenRequest.clientAuth.encoding: must be one of "form", "raw", got "percent"',
    ]);
    expect(problems({ ...base, provider: 'acme', profile: { extends: 'generic', tokenRequest: { clientAuth: { method: 'client_secret_basic', encoding: 'raw' } } } })).toEqual([]);
    expect(problems({ ...base, provider: 'acme', profile: { extends: 'generic', tokenRequest: { clientAuth: { method: 'as_received', encoding: 'raw' } } } })).toHaveLength(1);
    expect(problems({ ...base, provider: 'acme', profile: { extends: 'generic', response: { format: 'xml' }, errors: { codeMap: { bad_code: 'invalid_token' } } } })).toEqual([
      'profile.response.format: must be one of "json", "form", "sniff", got "xml"',
      'profile.errors.codeMap.bad_code: must be one of "invalid_request", "invalid_client", "invalid_grant", "unauthorized_client", "unsupported_grant_type", "invalid_scope", "server_error", "temporarily_unavailable", got "invalid_token"',
    ]);
    expect(problems({ ...base, provider: 'acme', profile: { extends: 'generic', fields: { defaultExpiresIn: -5 } } })).toEqual(['profile.fields.defaultExpiresIn: must be at least 1, got -5']);
    expect(problems({ ...base, provider: 'acme', profile: { extends: 'generic', sources: [{ quirk: 'x', url: 'http://docs.example', confidence: 'sure' }] } })).toEqual([
      'profile.sources.0.url: must use https, got "http://docs.example"',
      'profile.sources.0.confidence: must be one of "official", "library", "secondary", "unverified", got "sure"',
    ]);
  });

  it('names unknown fields', () => {
    expect(problems({ ...base, provider: 'acme', profile: { extends: 'generic', tokenRequest: { encoding: 'json' } } })).toEqual(['profile.tokenRequest.encoding: unknown field; did you mean "bodyEncoding"?']);
  });

  it('a whole profile needs no field nothing reads (no tokenUrl, no refresh.omitsRefreshToken)', () => {
    const whole = {
      authorize: { extraParams: {}, addScopes: [], scopeDelimiter: ' ', pkce: 'supported' },
      tokenRequest: { method: 'POST', bodyEncoding: 'form', clientAuth: { method: 'as_received' }, extraParams: {}, headers: {}, sendRedirectUri: true },
      response: { format: 'json' },
      errors: { codePaths: ['error'], descriptionPaths: ['error_description'], codeMap: {}, statusMap: {} },
      fields: { responseScopeDelimiter: ' ' },
      refresh: { rotation: 'none' },
    };
    expect(problems({ ...base, provider: 'acme', profile: whole })).toEqual([]);
  });

  it('says what to do about a retired profile field instead of "unknown field"', () => {
    expect(problems({ ...base, provider: 'acme', profile: { extends: 'generic', tokenUrl: 'https://id.example.com/oauth/token', refresh: { omitsRefreshToken: true } } })).toEqual([
      'profile.refresh.omitsRefreshToken: no longer a profile field: a refresh answer without a refresh token always gets the one Alexa presented; remove it',
      "profile.tokenUrl: no longer a profile field: the token endpoint is the configuration's own tokenUrl; remove it",
    ]);
  });

  it('requires every section of a profile without extends, naming each', () => {
    expect(problems({ ...base, provider: 'acme', profile: { response: { format: 'json' } } })).toEqual(
      ['authorize', 'tokenRequest', 'errors', 'fields', 'refresh'].map((f) => `profile.${f}: required (a profile without "extends" must give every section)`),
    );
  });

  it('refuses an unknown base, a custom profile under a built-in id, and an unknown provider without profile', () => {
    expect(problems({ ...base, provider: 'acme', profile: { extends: 'gitlab' } })[0]).toMatch(/^profile\.extends: unknown profile "gitlab" \(built-in profiles: generic, github, /);
    expect(problems({ ...base, provider: 'acme', profile: { extends: 'gihtub' } })[0]).toMatch(/^profile\.extends: unknown profile "gihtub"; did you mean "github"\? \(built-in profiles: /);
    expect(problems({ ...base, provider: 'github', profile: { extends: 'github' } })).toEqual([
      'provider: "github" is a built-in profile; give a custom profile its own id (and "extends": "github" to build on it)',
    ]);
    expect(problems({ ...base, provider: 'acme' })[0]).toMatch(/^provider: unknown profile "acme"/);
  });

  it('a custom profile with apple_jwt needs the Apple key settings too', () => {
    expect(problems({ ...base, provider: 'acme', profile: { extends: 'generic', tokenRequest: { clientAuth: { method: 'apple_jwt' } } } })).toEqual(
      ['appleTeamId', 'appleKeyId', 'applePrivateKeySecretArn'].map((f) => `${f}: required when the profile's client authentication is apple_jwt (provider "acme")`),
    );
  });
});

describe('built-in profiles', () => {
  it.each(Object.values(BUILT_IN_PROFILES).map((p) => [p.id, p] as const))('%s is valid against the profile schema and cites https sources', (_id, profile) => {
    const result = v.safeParse(ProviderProfileSchema, profile);
    expect(result.issues?.map((i) => `${v.getDotPath(i)}: ${i.message}`) ?? []).toEqual([]);
    expect(profile.sources.length).toBeGreaterThan(0);
  });
});
