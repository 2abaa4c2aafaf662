import { apple } from './apple';
import { auth0 } from './auth0';
import { cognito } from './cognito';
import { dropbox } from './dropbox';
import { fitbit } from './fitbit';
import { generic } from './generic';
import { github } from './github';
import { githubApp } from './github-app';
import { google } from './google';
import { homeAssistant } from './home-assistant';
import { lwa } from './lwa';
import { microsoft } from './microsoft';
import { notion } from './notion';
import { okta } from './okta';
import { reddit } from './reddit';
import { slack } from './slack';
import { spotify } from './spotify';
import { strava } from './strava';
import { withings } from './withings';
import { x } from './x';
import type { ProviderProfile } from './types';

export type { ProviderProfile } from './types';

export const BUILT_IN_PROFILES: Readonly<Record<string, ProviderProfile>> = Object.fromEntries(
  [generic, github, githubApp, google, microsoft, slack, apple, fitbit, withings, reddit, strava, x, spotify, homeAssistant, notion, dropbox, auth0, okta, cognito, lwa].map((p) => [p.id, p]),
);
