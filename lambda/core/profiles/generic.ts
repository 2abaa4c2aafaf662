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
  refresh: { rotation: 'none' },
  sources: [
    { quirk: 'token endpoint request (form, POST)', url: 'https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3', confidence: 'official' },
    { quirk: 'success answer', url: 'https://www.rfc-editor.org/rfc/rfc6749#section-5.1', confidence: 'official' },
    { quirk: 'error answer', url: 'https://www.rfc-editor.org/rfc/rfc6749#section-5.2', confidence: 'official' },
  ],
};
