import { extendProfile } from './extend';
import { generic } from './generic';

/**
 * Home Assistant as the provider: `{base_url}/auth/token` (config `tokenUrl`), no client secret
 * (`client_id` is a URL), refresh answers without refresh_token, `invalid_request` for a bad code.
 */
export const homeAssistant = extendProfile(generic, {
  id: 'home-assistant',
  displayName: 'Home Assistant',
  tokenRequest: { clientAuth: { method: 'none' } },
  response: { format: 'json' },
  errors: {
    // A bad or expired code answers invalid_request where RFC 6749 §5.2 says invalid_grant; an inactive user 403 access_denied.
    codeMap: { invalid_request: 'invalid_grant', access_denied: 'invalid_grant' },
    statusMap: { '403': 400 },
  },
  refresh: {
    rotation: 'none',
    invalidGrantHint: 'the refresh token was deleted in Home Assistant (profile → Refresh tokens), or the user is inactive',
  },
  sources: [
    { quirk: 'POST /auth/token, form, no client secret, client_id is a URL (clientAuth none)', url: 'https://github.com/home-assistant/core/blob/dev/homeassistant/components/auth/__init__.py', confidence: 'official' },
    { quirk: 'refresh answers omit refresh_token; expires_in 1800', url: 'https://github.com/home-assistant/core/blob/dev/homeassistant/components/auth/__init__.py', confidence: 'official' },
    { quirk: 'errors.codeMap invalid_request → invalid_grant (bad code); 403 access_denied → 400 invalid_grant (inactive user)', url: 'https://github.com/home-assistant/core/blob/dev/homeassistant/components/auth/__init__.py', confidence: 'official' },
    { quirk: 'refresh-token idle expiry in current releases; Alexa client_id convention (https://pitangui.amazon.com/)', url: 'https://www.home-assistant.io/integrations/alexa.smart_home/', confidence: 'unverified' },
  ],
});
