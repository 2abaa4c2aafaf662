/**
 * What the Alexa developer console (Build > Account Linking) needs from an adapter at a base URL,
 * derived from the configuration in one place: the construct's outputs (lib/adapter-stack.ts), local
 * mode's banner files and the CLI's `skill-config`. No CDK imports: `baseUrl` may be a CDK token
 * string (the execute-api endpoint), which string concatenation keeps.
 */
import { providerAuthorizeUrl } from '../lambda/core/authorize/config';
import type { ProfileSelection } from '../lambda/core/profiles/resolve';
import { OUTPUT_KEYS } from '../lambda/contract/outputs';
import { HTTP_ROUTES } from '../lambda/contract/routes';

/** The console label of the client authentication scheme we recommend (we accept both). */
export const AUTHENTICATION_SCHEME = 'HTTP Basic (Recommended)';

/** DomainList value in passthrough mode: the login page is the provider's own, not ours. */
export const PASSTHROUGH_DOMAIN_LIST = 'none needed for the token leg';

/** AuthorizationUri value in passthrough mode when neither `authorizeUrl` nor the profile names the provider's endpoint. */
export const PASSTHROUGH_AUTHORIZATION_URI =
  "Use your OAuth provider's own authorization URL (passthrough mode: Alexa sends the user straight to the provider; only the token leg goes through this stack).";

export interface ConsoleSettings {
  /** "Access Token URI". */
  accessTokenUri: string;
  /** "Your Web Authorization URI": our /authorize (interception), else the provider's, else an instruction. */
  authorizationUri: string;
  /** "Your Authentication Scheme". */
  authenticationScheme: string;
  /** "Domain List": the provider's login host (interception), else PASSTHROUGH_DOMAIN_LIST. */
  domainList: string;
  /** Interception mode: our /callback, to register at the provider as the redirect URI. */
  providerRedirectUri?: string;
}

export function consoleSettings(baseUrl: string, config: ProfileSelection & { mode: string; authorizeUrl?: string | undefined }): ConsoleSettings {
  const common = { accessTokenUri: `${baseUrl}${HTTP_ROUTES.token.path}`, authenticationScheme: AUTHENTICATION_SCHEME };
  if (config.mode === 'interception') {
    // The login page is the provider's: Alexa's web view must be allowed to load it (Alexa docs: Domain List).
    return { ...common, authorizationUri: `${baseUrl}${HTTP_ROUTES.authorize.path}`, providerRedirectUri: `${baseUrl}${HTTP_ROUTES.callback.path}`, domainList: new URL(providerAuthorizeUrl(config)!).hostname };
  }
  // Passthrough: Alexa sends the user straight to the provider: its authorization endpoint, when known.
  return { ...common, authorizationUri: providerAuthorizeUrl(config) ?? PASSTHROUGH_AUTHORIZATION_URI, domainList: PASSTHROUGH_DOMAIN_LIST };
}

/** The same settings under the stack's output keys (what `describe-stacks` returns). */
export function consoleOutputs(s: ConsoleSettings): Record<string, string> {
  return {
    [OUTPUT_KEYS.accessTokenUri]: s.accessTokenUri,
    [OUTPUT_KEYS.authorizationUri]: s.authorizationUri,
    [OUTPUT_KEYS.authenticationScheme]: s.authenticationScheme,
    [OUTPUT_KEYS.domainList]: s.domainList,
    ...(s.providerRedirectUri ? { [OUTPUT_KEYS.providerRedirectUri]: s.providerRedirectUri } : {}),
  };
}
