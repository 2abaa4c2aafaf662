import { extendProfile } from './extend';
import { generic } from './generic';

/**
 * Microsoft identity platform (Entra ID v2). The token URL holds the tenant
 * (`https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token`), so it comes from the config's `tokenUrl`.
 */
export const microsoft = extendProfile(generic, {
  id: 'microsoft',
  displayName: 'Microsoft identity platform (Entra ID v2)',
  authorize: { addScopes: ['offline_access'], pkce: 'supported' },
  response: { format: 'json' },
  errors: { codePaths: ['error'], descriptionPaths: ['error_description'] },
  refresh: {
    rotation: 'rotating',
    noRefreshTokenHint: 'Microsoft returns a refresh token only when the offline_access scope was requested: add offline_access to the skill\'s scopes',
    invalidGrantHint: 'Microsoft refresh tokens expire after 90 days without use (24 h for SPA redirect URIs), or when the user revokes consent or changes password',
  },
  sources: [
    { quirk: 'tokenUrl has the tenant; form request; Basic or body client auth (as_received)', url: 'https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow', confidence: 'official' },
    { quirk: 'authorize.addScopes offline_access (refresh token only with it)', url: 'https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow', confidence: 'official' },
    { quirk: 'error body: error, error_description (AADSTS…), error_codes[], trace_id, correlation_id', url: 'https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow', confidence: 'official' },
    { quirk: 'refresh.rotation rotating (new refresh token per use, old one not revoked); 90 days / 24 h SPA', url: 'https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens', confidence: 'official' },
    { quirk: 'error status 400', url: 'https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow', confidence: 'secondary' },
  ],
});
