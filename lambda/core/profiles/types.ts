/**
 * Provider profiles: every way a provider's token endpoint differs from RFC 6749, as data. The
 * shape is written once, as the valibot schema in schema.ts (which also checks custom profiles);
 * these types are inferred from it. The sections follow the quirk taxonomy (request shaping, response
 * parsing, error normalisation, field normalisation, refresh semantics, redirect-leg capture) so that
 * new providers are new data, not new code. Each quirk a profile sets names the documentation it
 * rests on in `sources`.
 */
import type * as v from 'valibot';
import type { ProviderProfileSchema } from './schema';

export type ProviderProfile = v.InferOutput<typeof ProviderProfileSchema>;

/** How the adapter sends the user to the provider's authorization endpoint (interception mode). */
export type AuthorizeShaping = ProviderProfile['authorize'];
/** How the adapter calls the provider's token endpoint. */
export type TokenRequestShaping = ProviderProfile['tokenRequest'];
/** How the adapter authenticates to the provider's token endpoint (RFC 6749 §2.3). */
export type UpstreamClientAuth = TokenRequestShaping['clientAuth'];
export type ResponseParsing = ProviderProfile['response'];
export type ErrorNormalisation = ProviderProfile['errors'];
export type FieldNormalisation = ProviderProfile['fields'];
export type RefreshSemantics = ProviderProfile['refresh'];
export type QuirkSource = ProviderProfile['sources'][number];
