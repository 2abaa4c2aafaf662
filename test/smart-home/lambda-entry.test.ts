/**
 * The smart-home and events Lambda entry points as Lambda calls them: wired from the environment
 * (SMART_HOME_CONFIG, TABLE_NAME, ALEXA_CLIENT_SECRET_ARN) on the first invocation, not at module
 * load, records on stdout. Requests that need no table and no secret keep this to the wiring.
 */
import { readFileSync } from 'node:fs';
import type { Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FUNCTION_ENV } from '../../lambda/contract/env';
import { RECORD_TYPE } from '../../lambda/contract/record-type';
import { HANDLER_NAMES } from '../../lambda/contract/routes';

const stdout: string[] = [];
const context = (awsRequestId: string) => ({ awsRequestId, getRemainingTimeInMillis: () => 7900 }) as unknown as Context;
const records = () =>
  stdout
    .join('')
    .split('\n')
    .filter((l) => l.startsWith(`{"type":"${RECORD_TYPE}"`))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const ENV = {
  [FUNCTION_ENV.smartHomeConfig]: JSON.stringify({ skillId: 'amzn1.ask.skill.11111111-2222-3333-4444-555555555555', alexaClientId: 'amzn1.application-oa2-client.abc' }),
  [FUNCTION_ENV.tableName]: 'never-used-here',
};

beforeAll(() => {
  vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array) => {
    stdout.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write);
});
afterAll(() => {
  vi.restoreAllMocks();
});
afterEach(() => {
  for (const name of Object.keys(ENV)) delete process.env[name];
  stdout.length = 0;
  vi.resetModules();
});

describe('smart-home entry point', () => {
  it('is wired on the first invocation: importing it reads no environment', async () => {
    const { handler } = await import('../../lambda/handlers/smart-home');
    // Without its environment the first invocation fails (and nothing is cached) …
    await expect(handler({ directive: 'x' }, context('r0'))).rejects.toThrow(/invalid smartHome configuration/);
    process.env[FUNCTION_ENV.smartHomeConfig] = ENV[FUNCTION_ENV.smartHomeConfig];
    await expect(handler({ directive: 'x' }, context('r0'))).rejects.toThrow(`${FUNCTION_ENV.tableName} is not set`);
    // … and once the environment is there, the next one is wired and answers.
    Object.assign(process.env, ENV);
    const answer = (await handler('not a directive', context('r1'))) as { event: { header: { namespace: string; name: string }; payload: { type: string } } };
    expect(answer.event.header).toMatchObject({ namespace: 'Alexa', name: 'ErrorResponse' });
    expect(answer.event.payload.type).toBe('INVALID_DIRECTIVE');
    expect(records()).toEqual([expect.objectContaining({ requestId: 'r1', outcome: 'rejected' })]);
  });
});

describe('events entry point', () => {
  it('answers a malformed send request with 400 and one record, wired from the environment', async () => {
    Object.assign(process.env, ENV);
    const { handler } = await import('../../lambda/handlers/events');
    expect(await handler({ message: {} }, context('e1'))).toMatchObject({ status: 400, accepted: false, code: 'gateway_invalid_request' });
    expect(records()).toEqual([expect.objectContaining({ requestId: 'e1', route: 'POST /events', outcome: 'rejected' })]);
  });

});

describe('the handlers', () => {
  it.each(HANDLER_NAMES)('%s imports no other handler and exports its factory and a `handler` entry point', async (name) => {
    const source = readFileSync(new URL(`../../lambda/handlers/${name}.ts`, import.meta.url), 'utf8');
    expect(source).not.toMatch(/from '\.\/[a-z-]+'/);
    const module = (await import(`../../lambda/handlers/${name}.ts`)) as Record<string, unknown>;
    expect(typeof module.handler).toBe('function');
    expect(Object.keys(module).filter((k) => /^create\w+Handler$/.test(k))).toHaveLength(1);
  });
});
