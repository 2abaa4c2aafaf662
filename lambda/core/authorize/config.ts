/**
 * Configuration of the authorization leg (`/authorize`, `/callback`), merged into the one schema in
 * `../config.ts`. Kept here so the authorization leg's settings and their checks live together.
 */
import * as v from 'valibot';
import { ADAPTER_MODES } from '../../contract/routes';
import { selectProfile, type ProfileSelection } from '../profiles/resolve';

/** Alexa vendor ids are alphanumeric (the last path segment of Alexa's redirect URLs). */
export const VENDOR_ID = /^[A-Za-z0-9]+$/;

/** A lowercase DNS name without port, trailing dot or userinfo. */
const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export const AUTHORIZATION_LEG_ENTRIES = {
  /**
   * `passthrough`: Alexa's Web Authorization URI is the provider's own; only the token leg goes
   * through the adapter. `interception`: it is our /authorize, and /callback brings the user back.
   */
  mode: v.optional(v.picklist(ADAPTER_MODES), 'passthrough'),
  /** Pins Alexa's redirect_uri to this vendor id (`/api/skill/link/<vendorId>`). */
  vendorId: v.optional(v.pipe(v.string(), v.regex(VENDOR_ID, 'must be the alphanumeric vendor id of the skill (Alexa Redirect URLs end in it)'))),
  /** Hosts accepted besides Alexa's three redirect hosts, e.g. `skills-store.amazon.com`. */
  extraRedirectHosts: v.optional(v.array(v.pipe(v.string(), v.regex(HOST_NAME, 'must be a lowercase host name such as "skills-store.amazon.com"'))), []),
  /** How long a user may take between /authorize and /callback (the grant record's TTL), in seconds. */
  grantTtlSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(60), v.maxValue(3600)), 600),
};

/** Interception needs the provider's authorization endpoint: from the config or the profile. */
export function interceptionHasAuthorizeUrl(c: ProfileSelection & { mode: string; authorizeUrl?: string | undefined }): boolean {
  return c.mode !== 'interception' || providerAuthorizeUrl(c) !== undefined;
}

export const INTERCEPTION_NEEDS_AUTHORIZE_URL = 'required in interception mode (the provider profile has no default authorization endpoint)';

/** The provider's authorization endpoint: the configured one, else the selected profile's (built-in or custom) default. */
export function providerAuthorizeUrl(config: ProfileSelection & { authorizeUrl?: string | undefined }): string | undefined {
  return config.authorizeUrl ?? selectProfile(config).profile?.authorizeUrl;
}
