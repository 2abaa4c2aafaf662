import type { ProviderProfile } from './types';

/**
 * A spec-compliant provider (RFC 6749): form request, JSON answer, §5.2 errors. The adapter only
 * normalises what Alexa is strict about (200 status, JSON, Bearer) and reports what it sees.
 */
export const generic: ProviderProfile = {
  id: 'generic',
  displayName: 'Generic OAuth 2.0 (RFC 6749)',
  authorize: { extraParams: {}, addScopes: [], scopeDelimiter: ' ', pkce: 'supported' },
  tokenRequest: {
    method: 'POST',
    bodyEncoding: 'form',
    clientAuth: { method: 'as_received' },
    extraParams: {},
    headers: { accept: 'application/json' },
    sendRedirectUri: true,
  },
  response: { format: 'sniff' },
  errors: { codePaths: ['error'], descriptionPaths: ['error_description'], codeMap: {}, statusMap: {} },
  fields: { responseScopeDelimiter: ' ' },
  // RFC 6749 §6: any server MAY issue a new refresh token and revoke the old one, so an unknown one is
  // guarded (refresh-guard.ts); a custom profile says `none` for a provider whose tokens never change.
  refresh: { rotation: 'rotating' },
  sources: [
    { quirk: 'token endpoint request (form, POST)', url: 'https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3', confidence: 'official' },
    { quirk: 'success answer', url: 'https://www.rfc-editor.org/rfc/rfc6749#section-5.1', confidence: 'official' },
    { quirk: 'error answer', url: 'https://www.rfc-editor.org/rfc/rfc6749#section-5.2', confidence: 'official' },
    { quirk: 'refresh.rotation rotating (the server may rotate the refresh token and revoke the old one)', url: 'https://www.rfc-editor.org/rfc/rfc6749#section-6', confidence: 'official' },
  ],
};
