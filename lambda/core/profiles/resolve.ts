/**
 * The provider profile a configuration selects: a built-in one by `provider`, or a custom one from
 * `profile` (whole, or `extends` + overrides). Also checks what a profile needs from the
 * configuration (Apple's signing key settings).
 */
import { didYouMean } from '../config-problems';
import { BUILT_IN_PROFILES } from './index';
import { buildCustomProfile, type CustomProfileInput } from './schema';
import type { ProviderProfile } from './types';

export interface ProfileSelection {
  provider: string;
  profile?: CustomProfileInput;
  appleTeamId?: string;
  appleKeyId?: string;
  applePrivateKeySecretArn?: string;
}

export function selectProfile(config: ProfileSelection): { profile?: ProviderProfile; problems: string[] } {
  let profile: ProviderProfile | undefined;
  if (config.profile !== undefined) {
    const built = buildCustomProfile(config.provider, config.profile, BUILT_IN_PROFILES);
    if (!built.profile) return { problems: built.problems };
    profile = built.profile;
  } else {
    profile = Object.hasOwn(BUILT_IN_PROFILES, config.provider) ? BUILT_IN_PROFILES[config.provider] : undefined;
    if (!profile) {
      const ids = Object.keys(BUILT_IN_PROFILES);
      return { problems: [`provider: unknown profile "${config.provider}"${didYouMean(config.provider, ids)} (built-in profiles: ${ids.join(', ')}; or define your own under "profile")`] };
    }
  }
  const problems: string[] = [];
  if (profile.tokenRequest.clientAuth.method === 'apple_jwt') {
    // The client secret is minted from the team's key (Apple: "Creating a client secret").
    for (const field of ['appleTeamId', 'appleKeyId', 'applePrivateKeySecretArn'] as const) {
      if (config[field] === undefined) problems.push(`${field}: required when the profile's client authentication is apple_jwt (provider "${config.provider}")`);
    }
  }
  return problems.length > 0 ? { problems } : { profile, problems: [] };
}
