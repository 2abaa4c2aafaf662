import type { ProviderProfile } from './types';

type DeepPartial<T> = { [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };
export type ProfilePatch = DeepPartial<ProviderProfile> & { id: string; displayName: string };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Plain objects merge key by key; arrays and scalars replace. `clientAuth` replaces whole (it is a union). */
function merge(base: unknown, patch: unknown, key?: string): unknown {
  if (patch === undefined) return base;
  if (key === 'clientAuth' || !isPlainObject(base) || !isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = merge(base[k], v, k);
  return out;
}

/** A profile built on another; `sources` are appended, not replaced. */
export function extendProfile(base: ProviderProfile, patch: ProfilePatch): ProviderProfile {
  const merged = merge(base, { ...patch, sources: undefined }) as ProviderProfile;
  return { ...merged, sources: [...base.sources, ...(patch.sources ?? [])] };
}
