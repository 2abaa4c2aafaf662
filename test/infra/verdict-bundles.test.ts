/**
 * The handlers need only verdict codes and severities; the catalogue's prose (meaning, fix, what it
 * rests on) is for the CLI and the docs. Bundle size is cold-start time, so no Lambda bundle may
 * carry it: the catalogue is built by a call marked pure and nothing in lambda/handlers reads it.
 * Checked on the bundles that ship (dist/assets, built by the test setup as the package build does).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ASSETS_DIR, ASSET_VARIANTS, HANDLER_NAMES } from '../../lib/handler-assets';
import { VERDICTS, VERDICT_CODES, type VerdictEntry } from '../../lambda/contract/verdicts';

const bundles = ASSET_VARIANTS.flatMap((variant) => HANDLER_NAMES.map((name) => [`${variant}/${name}`, join(ASSETS_DIR, variant, name, 'index.js')] as const));

describe('the verdict catalogue stays out of the Lambda bundles', () => {
  it.each(bundles)('%s carries no meaning, fix or basis of the catalogue', (_name, file) => {
    const code = readFileSync(file, 'utf8');
    const prose = VERDICT_CODES.flatMap((c) => {
      const e = VERDICTS[c] as VerdictEntry;
      return [e.meaning, e.fix, e.basis].filter((t): t is string => t !== undefined);
    });
    // Whole entries: a handler's own message may start like the catalogue's meaning, but is never the same text.
    expect(prose.filter((t) => code.includes(t))).toEqual([]);
    expect(code).not.toContain('Alexa Account Linking Debugging Tips');
    // …while the codes the handler writes are there (the check is not vacuous).
    expect(code).toContain('adapter_error');
  });
});
