#!/usr/bin/env node
// Launcher of the diagnosis CLI (`npx alexa-link-adapter …`). The CLI is TypeScript in cli/; tsx's
// ESM loader API runs it directly (tsx is already how this repo runs TypeScript: CDK app, local mode,
// bench), so there is no build step and no committed build output that can drift from the sources.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
await main();
