import { describe, expect, it } from 'vitest';
import { moduleAt, moduleMap, operationOf, ownerOf, summarizeProfile, type CpuProfile } from '../../bench/lib/profile-summary';

const bundle = ['"use strict";', '// lambda/core/translate.ts', 'function translateResponse() {}', '', '// lambda/shared/log.ts', 'function stdoutSink() {}', '// local/api-gateway.ts', 'function buildEvent() {}'].join('\n');

describe('module map of an esbuild bundle', () => {
  it('maps a line to the module whose marker precedes it', () => {
    const map = moduleMap(bundle);
    expect(map.map((m) => m.module)).toEqual(['lambda/core/translate.ts', 'lambda/shared/log.ts', 'local/api-gateway.ts']);
    expect(moduleAt(map, 0)).toBeUndefined();
    expect(moduleAt(map, 2)).toBe('lambda/core/translate.ts');
    expect(moduleAt(map, 5)).toBe('lambda/shared/log.ts');
    expect(moduleAt(map, 7)).toBe('local/api-gateway.ts');
  });
});

describe('owners and operations', () => {
  it('names fetch, the SDK, adapter modules and the stand-in; JSON, URL, hashing, GC', () => {
    expect(ownerOf({ functionName: 'x', url: 'node:internal/deps/undici/undici', lineNumber: 1 }, undefined)).toBe('fetch (undici)');
    expect(ownerOf({ functionName: 'x', url: 'file:///p/node_modules/@smithy/core/dist/index.js', lineNumber: 1 }, undefined)).toBe('AWS SDK (DynamoDB client)');
    expect(ownerOf({ functionName: 'x', url: 'file:///b.cjs', lineNumber: 1 }, 'lambda/core/translate.ts')).toBe('adapter: core/translate.ts');
    expect(ownerOf({ functionName: 'x', url: 'file:///b.cjs', lineNumber: 1 }, 'local/api-gateway.ts')).toMatch(/stand-in/);
    expect(ownerOf({ functionName: 'x', url: 'node:net', lineNumber: 1 }, undefined)).toBeUndefined();
    expect(operationOf({ functionName: 'stringify', url: '', lineNumber: -1 })).toBe('JSON');
    expect(operationOf({ functionName: 'URL', url: '', lineNumber: -1 })).toBe('URL parsing');
    expect(operationOf({ functionName: 'digest', url: '', lineNumber: -1 })).toBe('hashing and crypto');
    expect(operationOf({ functionName: 'Hmac', url: 'node:internal/crypto/hash', lineNumber: 1 })).toBe('hashing and crypto');
    expect(operationOf({ functionName: '(garbage collector)', url: '', lineNumber: -1 })).toBe('GC');
  });
});

describe('summarizeProfile', () => {
  // root → stdoutSink → stringify; root → translateResponse; root → (idle); root → require → x
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2, 4, 5, 6] },
      { id: 2, callFrame: { functionName: 'stdoutSink', url: 'file:///b.cjs', lineNumber: 5 }, children: [3] },
      { id: 3, callFrame: { functionName: 'stringify', url: '', lineNumber: -1 } },
      { id: 4, callFrame: { functionName: 'translateResponse', url: 'file:///b.cjs', lineNumber: 2 } },
      { id: 5, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
      { id: 6, callFrame: { functionName: 'require', url: 'node:internal/modules/cjs/loader', lineNumber: 1 }, children: [7] },
      { id: 7, callFrame: { functionName: 'x', url: 'file:///b.cjs', lineNumber: 2 } },
    ],
    samples: [3, 3, 4, 5, 7],
    timeDeltas: [0, 100, 100, 100, 100, 100],
  };

  it('charges self time to the owner and the operation, inclusive time to every function on the stack; idle and start-up apart', () => {
    const s = summarizeProfile(profile, { 'file:///b.cjs': bundle }, ['stdoutSink', 'translateResponse', 'stringify']);
    expect(s.totalUs).toBe(300);
    expect(s.startupUs).toBe(100);
    expect(s.byOwner).toEqual([
      { category: 'logging (stdoutSink)', us: 200, share: 2 / 3 },
      { category: 'adapter: core/translate.ts', us: 100, share: 1 / 3 },
    ]);
    expect(s.byOperation.find((o) => o.category === 'JSON')?.us).toBe(200);
    expect(s.inclusive.find((i) => i.name === 'stdoutSink')?.us).toBe(200);
    expect(s.inclusive.find((i) => i.name === 'stringify')?.us).toBe(200);
  });
});
