import { generic } from './generic';
import { github } from './github';
import { google } from './google';
import type { ProviderProfile } from './types';

export type { ProviderProfile } from './types';

export const BUILT_IN_PROFILES: Readonly<Record<string, ProviderProfile>> = { generic, github, google };

export function getProfile(id: string): ProviderProfile | undefined {
  return Object.hasOwn(BUILT_IN_PROFILES, id) ? BUILT_IN_PROFILES[id] : undefined;
}
