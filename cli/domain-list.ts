/**
 * The Domain List helper: every external host a login page loads content from, as the exact entries
 * for the Alexa console's Domain List. The seed article: "If you make a call to oauth.sample.com,
 * simply adding sample.com isn't adequate - you need to add oauth.sample.com" — so hosts are listed
 * exactly, never collapsed to a parent domain.
 *
 * HTML is read with htmlparser2 (a streaming, spec-tolerant tokenizer): attribute quoting, entities,
 * comments, <script>/<style> raw text and unclosed tags are what hand-written regexes get wrong.
 */
import { Parser } from 'htmlparser2';
import { DOMAIN_LIST_LIMIT } from './constants';

export interface LoadedFrom {
  host: string;
  /** What pointed at it: `script`, `stylesheet`, `img`, `font (css)`, `iframe`, `form action`, `preconnect`, … */
  kinds: string[];
  /** The first URL seen for the host (query strings dropped). */
  example: string;
}

export interface DomainListResult {
  /** Host of the page itself (the authorization URI's domain needs no entry). */
  pageHost?: string;
  external: LoadedFrom[];
  /** Exact entries for the console, sorted. */
  entries: string[];
  overLimit: boolean;
}

/** `url(...)` and `@import "..."` in CSS text. */
export function cssUrls(css: string): string[] {
  const out: string[] = [];
  for (const m of css.matchAll(/url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)/gi)) out.push((m[1] ?? m[2] ?? m[3] ?? '').trim());
  for (const m of css.matchAll(/@import\s+(?:"([^"]*)"|'([^']*)')/gi)) out.push((m[1] ?? m[2] ?? '').trim());
  return out.filter((u) => u !== '' && !u.startsWith('data:'));
}

function srcsetUrls(srcset: string): string[] {
  return srcset
    .split(',')
    .map((part) => part.trim().split(/\s+/)[0] ?? '')
    .filter((u) => u !== '');
}

const LINK_KINDS: Record<string, string> = {
  stylesheet: 'stylesheet',
  preconnect: 'preconnect',
  'dns-prefetch': 'dns-prefetch',
  preload: 'preload',
  modulepreload: 'script',
  prefetch: 'prefetch',
  icon: 'icon',
  'shortcut icon': 'icon',
  'apple-touch-icon': 'icon',
  manifest: 'manifest',
};

/** Every URL the page loads or submits to, with what kind of reference it is. Relative URLs are kept relative. */
export function pageReferences(html: string): { url: string; kind: string }[] {
  const refs: { url: string; kind: string }[] = [];
  let base: string | undefined;
  let inStyle = false;
  let styleText = '';
  const add = (url: string | undefined, kind: string) => {
    if (url && url.trim() !== '') refs.push({ url: url.trim(), kind });
  };
  const parser = new Parser(
    {
      onopentag(name, a) {
        if (a['style']) for (const u of cssUrls(a['style'])) add(u, 'inline style');
        switch (name) {
          case 'base':
            base ??= a['href'];
            break;
          case 'script':
            add(a['src'], 'script');
            break;
          case 'link': {
            const rel = (a['rel'] ?? '').toLowerCase().trim();
            const kind = LINK_KINDS[rel] ?? rel.split(/\s+/).map((r) => LINK_KINDS[r]).find(Boolean);
            if (kind) add(a['href'], kind);
            break;
          }
          case 'img':
          case 'source':
          case 'video':
          case 'audio':
          case 'track':
          case 'embed':
          case 'input':
            add(a['src'], name === 'input' ? 'image input' : name);
            if (a['srcset']) for (const u of srcsetUrls(a['srcset'])) add(u, name);
            if (a['poster']) add(a['poster'], 'video poster');
            if (a['formaction']) add(a['formaction'], 'form action');
            break;
          case 'iframe':
          case 'frame':
            add(a['src'], 'iframe');
            break;
          case 'object':
            add(a['data'], 'object');
            break;
          case 'form':
            add(a['action'], 'form action');
            break;
          case 'button':
            add(a['formaction'], 'form action');
            break;
          case 'meta':
            if ((a['http-equiv'] ?? '').toLowerCase() === 'refresh') add(/url\s*=\s*['"]?([^'"]+)/i.exec(a['content'] ?? '')?.[1], 'meta refresh');
            break;
          case 'style':
            inStyle = true;
            styleText = '';
            break;
        }
      },
      ontext(text) {
        if (inStyle) styleText += text;
      },
      onclosetag(name) {
        if (name === 'style') {
          inStyle = false;
          for (const u of cssUrls(styleText)) add(u, 'css');
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return base ? [{ url: base, kind: '<base>' }, ...refs] : refs;
}

/**
 * Resolves the references against the page URL (or `<base href>`) and lists the hosts other than the
 * page's own. Without a page URL (a saved file), relative references cannot leave the page's host and
 * are skipped; absolute and protocol-relative ones still count.
 */
export function externalHosts(html: string, pageUrl?: string): DomainListResult {
  const refs = pageReferences(html);
  const baseRef = refs[0]?.kind === '<base>' ? refs.shift()!.url : undefined;
  let base: URL | undefined;
  try {
    base = pageUrl ? new URL(baseRef ?? '', pageUrl) : baseRef ? new URL(baseRef) : undefined;
  } catch {
    base = pageUrl ? new URL(pageUrl) : undefined;
  }
  const pageHost = pageUrl ? new URL(pageUrl).hostname : undefined;
  const byHost = new Map<string, LoadedFrom>();
  for (const ref of refs) {
    let u: URL;
    try {
      u = base ? new URL(ref.url, base) : ref.url.startsWith('//') ? new URL(`https:${ref.url}`) : new URL(ref.url);
    } catch {
      continue; // relative without a base, or not a URL
    }
    if (!['http:', 'https:', 'ws:', 'wss:'].includes(u.protocol)) continue;
    const host = u.hostname.toLowerCase();
    if (host === pageHost) continue;
    const entry = byHost.get(host) ?? { host, kinds: [], example: `${u.origin}${u.pathname}` };
    if (!entry.kinds.includes(ref.kind)) entry.kinds.push(ref.kind);
    byHost.set(host, entry);
  }
  const external = [...byHost.values()].sort((a, b) => a.host.localeCompare(b.host));
  return { ...(pageHost ? { pageHost } : {}), external, entries: external.map((e) => e.host), overLimit: external.length > DOMAIN_LIST_LIMIT };
}
