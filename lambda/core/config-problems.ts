/**
 * Configuration problems in plain words. valibot reports issues in its own terms ("Invalid key:
 * Expected "alexaClientId" but received undefined", "Invalid type: Expected number but received
 * "3000""); this module turns each into one line a person can act on, naming the field, what it
 * must be, what it got, and — for a misspelt field name or value — the closest valid one.
 * No AWS imports: the Lambdas use it at cold start too.
 */
import * as v from 'valibot';

/** Edit distance with adjacent transpositions (optimal string alignment), case-insensitive. */
function distance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) => [i, ...Array<number>(t.length).fill(0)]);
  for (let j = 1; j <= t.length; j++) d[0]![j] = j;
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[s.length]![t.length]!;
}

/**
 * The candidate the word most likely meant, if any is close: same letters in another case, a prefix
 * of at least three characters, a part of at least four, or at most one edit per four characters
 * (at least one).
 */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  let best: { candidate: string; score: number } | undefined;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const lower = word.toLowerCase();
    const other = candidate.toLowerCase();
    const score =
      other === lower ? 0 : lower.length >= 3 && other.startsWith(lower) ? 0.5 : lower.length >= 4 && other.includes(lower) ? 0.75 : distance(word, candidate);
    const limit = Math.max(1, Math.floor(Math.max(word.length, candidate.length) / 4));
    if (score <= limit && (best === undefined || score < best.score)) best = { candidate, score };
  }
  return best?.candidate;
}

/** `; did you mean "github"?` or nothing. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const match = closestMatch(word, candidates);
  return match === undefined ? '' : `; did you mean "${match}"?`;
}

type AnySchema = { type?: string; kind?: string; entries?: Record<string, AnySchema>; wrapped?: AnySchema; pipe?: AnySchema[]; item?: AnySchema; value?: AnySchema; options?: unknown[] };

/** The schema under optional/nullable wrappers and pipes. */
function unwrap(schema: AnySchema | undefined): AnySchema | undefined {
  let s = schema;
  for (let guard = 0; s && guard < 20; guard++) {
    if (s.wrapped) s = s.wrapped;
    else if (s.pipe && s.pipe[0] && s.pipe[0] !== s) s = s.pipe[0];
    else break;
  }
  return s;
}

/** Field names of an object schema (every option's, for a variant). */
function fieldsOf(schema: AnySchema | undefined): string[] {
  const s = unwrap(schema);
  if (!s) return [];
  if (s.entries) return Object.keys(s.entries);
  if (s.type === 'variant' || s.type === 'union') return [...new Set((s.options as AnySchema[]).flatMap((o) => fieldsOf(o)))];
  return [];
}

/** The schema at a path of keys, as far as it can be followed. */
export function schemaAt(root: unknown, keys: readonly (string | number)[]): AnySchema | undefined {
  let s: AnySchema | undefined = root as AnySchema;
  for (const key of keys) {
    s = unwrap(s);
    if (!s) return undefined;
    if (s.entries) s = s.entries[String(key)];
    else if (s.type === 'array') s = s.item;
    else if (s.type === 'record') s = s.value;
    else if (s.type === 'variant' || s.type === 'union') s = (s.options as AnySchema[]).map((o) => unwrap(o)?.entries?.[String(key)]).find((x) => x !== undefined);
    else return undefined;
  }
  return s;
}

/** The value type a field expects (`number`, `boolean`, `array`, `object`, `string`, …). */
export function expectedType(root: unknown, keys: readonly (string | number)[]): string | undefined {
  const s = unwrap(schemaAt(root, keys));
  if (!s?.type) return undefined;
  if (s.entries || s.type === 'record' || s.type === 'variant') return 'object';
  if (s.type === 'picklist' || s.type === 'literal') return 'string';
  return s.type;
}

/** A value as a person wrote it, short. */
export function shownValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return value.length > 60 ? `${JSON.stringify(value.slice(0, 57))}…` : JSON.stringify(value);
  return String(value);
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text in double quotes',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list (a JSON array such as ["a", "b"])',
  strict_object: 'an object ({…})',
  object: 'an object ({…})',
  record: 'an object ({…})',
};

/** valibot's own wording ("Invalid type: Expected … but received …"); anything else came from our schema. */
const VALIBOT_WORDING = /^Invalid [\w ]+: (Expected|Received)/;

function keysOf(issue: v.BaseIssue<unknown>): (string | number)[] {
  return (issue.path ?? []).map((p) => p.key as string | number);
}

function optionsOf(schema: AnySchema | undefined): string[] {
  const s = unwrap(schema);
  if (s?.type === 'picklist') return (s.options as unknown[]).map(String);
  if (s?.type === 'literal') return [String((s as { literal?: unknown }).literal)];
  return [];
}

/** One issue in plain words, without the field name. */
function describe(issue: v.BaseIssue<unknown>, root: unknown): string {
  const keys = keysOf(issue);
  const requirement = (issue as { requirement?: unknown }).requirement;
  const got = shownValue(issue.input);
  if (issue.type === 'strict_object' || issue.type === 'object' || issue.type === 'loose_object') {
    if (issue.expected === 'never') return `unknown field${didYouMean(String(keys.at(-1)), fieldsOf(schemaAt(root, keys.slice(0, -1))))}`;
    if (issue.received === 'undefined' && keys.length > 0) return 'required';
    return `must be ${TYPE_WORDS.object}, got ${got}`;
  }
  if (!VALIBOT_WORDING.test(issue.message)) {
    // Our schema's own message; add a suggestion for a near-miss value where there is a list.
    const options = typeof issue.input === 'string' ? optionsOf(schemaAt(root, keys)) : [];
    const primitive = ['string', 'number', 'boolean'].includes(typeof issue.input);
    return `${issue.message}${primitive && keys.length > 0 ? `, got ${got}` : ''}${options.length > 0 ? didYouMean(issue.input as string, options) : ''}`;
  }
  switch (issue.type) {
    case 'number':
      return typeof issue.input === 'string' && /^-?\d+(\.\d+)?$/.test(issue.input.trim())
        ? `must be a number; write ${issue.input.trim()} without quotes`
        : `must be a number, got ${got}`;
    case 'boolean':
      return typeof issue.input === 'string' && /^(true|false)$/i.test(issue.input.trim())
        ? `must be true or false; write ${issue.input.trim().toLowerCase()} without quotes`
        : `must be true or false, got ${got}`;
    case 'string':
      return `must be ${TYPE_WORDS.string}, got ${got}`;
    case 'array':
      return typeof issue.input === 'string' ? `must be ${TYPE_WORDS.array}; write [${JSON.stringify(issue.input)}]` : `must be ${TYPE_WORDS.array}, got ${got}`;
    case 'record':
      return `must be ${TYPE_WORDS.record}, got ${got}`;
    case 'picklist':
    case 'literal':
    case 'variant': {
      const options = optionsOf(schemaAt(root, keys));
      const list = options.map((o) => JSON.stringify(o)).join(', ');
      return `must be ${options.length === 1 ? list : `one of ${list}`}, got ${got}${typeof issue.input === 'string' ? didYouMean(issue.input, options) : ''}`;
    }
    case 'integer':
      return `must be a whole number, got ${got}`;
    case 'min_value':
      return `must be at least ${String(requirement)}, got ${got}`;
    case 'max_value':
      return `must be at most ${String(requirement)}, got ${got}`;
    case 'min_length':
      return `must have at least ${String(requirement)} ${Array.isArray(issue.input) ? 'items' : 'characters'}`;
    case 'max_length':
      return `must have at most ${String(requirement)} ${Array.isArray(issue.input) ? 'items' : 'characters'}`;
    case 'url':
      return `must be an absolute URL, got ${got}`;
    case 'email':
      return `must be an email address, got ${got}`;
    case 'union':
      return `has a value of the wrong kind: ${got}`;
    default:
      return `is not valid (${got})`;
  }
}

const isUnknownField = (issue: v.BaseIssue<unknown>) => (issue.type === 'strict_object' || issue.type === 'object' || issue.type === 'loose_object') && issue.expected === 'never';

/**
 * Every issue as `<field path>: <what is wrong>`, issues of one field joined in one line, in the
 * order they were found. `prefix` names where the validated object sits (e.g. `smartHome`);
 * `retired` says, by field path, what to do about a field that no longer exists.
 */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[], root: unknown, prefix = '', retired: Readonly<Record<string, string>> = {}): string[] {
  const byField = new Map<string, string[]>();
  for (const issue of issues) {
    const path = v.getDotPath(issue);
    const field = [prefix, path].filter((p) => p !== '' && p !== null).join('.') || '(the configuration)';
    const text = isUnknownField(issue) && Object.hasOwn(retired, field) ? retired[field]! : describe(issue, root);
    const list = byField.get(field) ?? [];
    if (!list.includes(text)) list.push(text);
    byField.set(field, list);
  }
  return [...byField].map(([field, texts]) => `${field}: ${texts.join('; ')}`);
}
