/**
 * The README and docs/ link to each other by file and heading: every relative link must name a file
 * that exists and, with `#anchor`, a heading of that file (GitHub's anchor rule: lower case, spaces to
 * hyphens, punctuation dropped). A section moved between files breaks links silently otherwise.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers';

const FILES = ['README.md', 'CHANGELOG.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)].filter((f) =>
  existsSync(join(ROOT, f)),
);

/** GitHub's heading anchor: lower case, drop what is not a letter, digit, space, hyphen or underscore, spaces → hyphens. */
export function githubAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(join(ROOT, file), 'utf8').replace(/```[\s\S]*?```/g, '');
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const m of text.matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const base = githubAnchor(m[1]!.replace(/`/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1'));
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

function linksOf(file: string): { target: string; line: number }[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const out: { target: string; line: number }[] = [];
  const lines = text.split('\n');
  let fenced = false;
  lines.forEach((l, i) => {
    if (l.startsWith('```')) fenced = !fenced;
    if (fenced) return;
    for (const m of l.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]!;
      if (/^[a-z]+:/i.test(target)) continue; // http:, https:, mailto:
      out.push({ target, line: i + 1 });
    }
  });
  return out;
}

describe('links between the README and docs/', () => {
  it('anchors follow GitHub', () => {
    expect(githubAnchor('The 4.5 s answer: one deadline')).toBe('the-45-s-answer-one-deadline');
    expect(githubAnchor("The skill's account-linking settings in one command")).toBe('the-skills-account-linking-settings-in-one-command');
    expect(githubAnchor('Why not Powertools idempotency')).toBe('why-not-powertools-idempotency');
  });

  for (const file of FILES) {
    it(`${file}: every relative link names an existing file and heading`, () => {
      const broken: string[] = [];
      for (const { target, line } of linksOf(file)) {
        const [path, anchor] = target.split('#') as [string, string | undefined];
        const resolved = path === '' ? file : relative(ROOT, join(ROOT, dirname(file), path));
        if (!existsSync(join(ROOT, resolved))) {
          broken.push(`${file}:${line} → ${target} (no such file)`);
          continue;
        }
        if (anchor !== undefined && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor)) {
          broken.push(`${file}:${line} → ${target} (no heading "${anchor}" in ${resolved})`);
        }
      }
      expect(broken).toEqual([]);
    });
  }
});
