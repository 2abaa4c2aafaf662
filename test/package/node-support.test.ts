/**
 * The supported Node range is written once in package.json and agrees with cli/node-support.ts; the
 * AWS SDK's Node-version notice is acknowledged only where it does not apply (a supported Node, and
 * SDK releases that themselves declare support for it), and the SDK's own switch really is what
 * silences it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { acknowledgeSdkNodeNotice, isSupportedNode, SDK_NODE_NOTICE_SWITCH, SUPPORTED_NODE_RANGE } from '../../cli/node-support';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as {
  engines: { node: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** `^a.b.c || >=x.y.z` as written in engines, evaluated for one version. */
function satisfies(range: string, version: string): boolean {
  const v = version.split('.').map(Number) as [number, number, number];
  const cmp = (a: number[], b: number[]) => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!;
  return range.split('||').some((part) => {
    const m = /^\s*(\^|>=)(\d+)\.(\d+)\.(\d+)\s*$/.exec(part);
    if (!m) throw new Error(`unexpected range part "${part}"`);
    const base = [Number(m[2]), Number(m[3]), Number(m[4])];
    return m[1] === '>=' ? cmp(v, base) >= 0 : v[0] === base[0] && cmp(v, base) >= 0;
  });
}

describe('the supported Node range', () => {
  it('package.json engines is the range the code knows', () => {
    expect(pkg.engines.node).toBe(SUPPORTED_NODE_RANGE);
  });

  it.each(['18.20.4', '20.11.0', '20.18.3', '20.19.0', '20.20.2', '21.7.3', '22.11.0', '22.12.0', '22.22.2', '24.0.0', '24.11.1', '26.1.0'])('%s: code and engines agree', (version) => {
    expect(isSupportedNode(version)).toBe(satisfies(SUPPORTED_NODE_RANGE, version));
  });

  it('this machine runs a supported Node', () => {
    expect(isSupportedNode(process.versions.node)).toBe(true);
  });

  it('every pinned AWS SDK client, and every runtime dependency, supports every Node we support', () => {
    const lowestSupported = /(\d+)\.(\d+)\.(\d+)/.exec(SUPPORTED_NODE_RANGE)!.slice(1).map(Number);
    const names = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies).filter((n) => n.startsWith('@aws-sdk/'))];
    expect(names.length).toBeGreaterThan(4);
    for (const name of names) {
      const engines = (JSON.parse(readFileSync(`${ROOT}node_modules/${name}/package.json`, 'utf8')) as { engines?: { node?: string } }).engines?.node;
      if (!engines) continue;
      const m = /^>= ?(\d+)\.(\d+)\.(\d+)$/.exec(engines);
      expect(m, `${name}: engines ${engines} (only ">=x.y.z" is understood here)`).not.toBeNull();
      const needs = m!.slice(1).map(Number);
      const cmp = needs[0]! - lowestSupported[0]! || needs[1]! - lowestSupported[1]! || needs[2]! - lowestSupported[2]!;
      expect(cmp, `${name} requires node ${engines}, above our lowest ${lowestSupported.join('.')}`).toBeLessThanOrEqual(0);
    }
  });
});

describe('the AWS SDK notice', () => {
  it('is acknowledged on a supported Node only, and never over the user\'s own setting', () => {
    const env: Record<string, string | undefined> = {};
    expect(acknowledgeSdkNodeNotice(env, '20.20.2')).toBe(true);
    expect(env[SDK_NODE_NOTICE_SWITCH]).toBe('true');
    const old: Record<string, string | undefined> = {};
    expect(acknowledgeSdkNodeNotice(old, '20.10.0')).toBe(false);
    expect(old[SDK_NODE_NOTICE_SWITCH]).toBeUndefined();
    const user: Record<string, string | undefined> = { [SDK_NODE_NOTICE_SWITCH]: 'false' };
    expect(acknowledgeSdkNodeNotice(user, '20.20.2')).toBe(false);
    expect(user[SDK_NODE_NOTICE_SWITCH]).toBe('false');
  });

  it('the SDK\'s own switch is what decides: a client on this Node warns without it (below Node 22) and not with it', () => {
    const script = "const { DynamoDBClient } = require('@aws-sdk/client-dynamodb'); new DynamoDBClient({ region: 'eu-west-1' });";
    const run = (extra: Record<string, string>) => {
      const env: Record<string, string | undefined> = { ...process.env, ...extra };
      if (!(SDK_NODE_NOTICE_SWITCH in extra)) delete env[SDK_NODE_NOTICE_SWITCH];
      delete env['NODE_NO_WARNINGS'];
      return spawnSync(process.execPath, ['-e', script], { cwd: ROOT, env, encoding: 'utf8' }).stderr;
    };
    const below22 = Number(process.versions.node.split('.')[0]) < 22;
    expect(run({}).includes('NodeVersionSupportWarning')).toBe(below22);
    expect(run({ [SDK_NODE_NOTICE_SWITCH]: 'true' })).not.toContain('NodeVersionSupportWarning');
  });
});
