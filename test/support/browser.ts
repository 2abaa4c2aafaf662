/** A minimal cookie jar for driving login pages (oidc-provider's dev interactions) headless with fetch. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now()));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/**
 * A headless browser for login flows that go through oidc-provider's dev interactions: follows
 * redirects by hand (keeping cookies), submits the login and consent forms it shows, and stops at
 * the first redirect whose URL starts with `stopAt` (Alexa's redirect URL).
 */
export async function browseUntil(start: string, options: { stopAt: string; issuer: string; maxSteps?: number }): Promise<{ url: URL; hops: string[] }> {
  const jar = new CookieJar();
  const hops: string[] = [];
  const go = async (url: string, init: RequestInit = {}): Promise<Response> => {
    hops.push(new URL(url).pathname);
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: jar.header() } });
    jar.store(res);
    return res;
  };
  let res = await go(start);
  for (let step = 0; step < (options.maxSteps ?? 15); step++) {
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      const next = new URL(location, res.url || start);
      if (next.href.startsWith(options.stopAt)) return { url: next, hops };
      res = await go(next.href);
      continue;
    }
    // An interaction page (login or consent): submit the dev form it shows.
    const html = await res.text();
    if (res.status !== 200) throw new Error(`page ${res.status}: ${html.slice(0, 1000)}`);
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`no interaction form on the page: ${html.slice(0, 1000)}`);
    const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1];
    const form: Record<string, string> = prompt === 'login' ? { prompt, login: 'alexa-user-1', password: 'any' } : { prompt: prompt ?? 'consent' };
    res = await go(new URL(action.replace(/&amp;/g, '&'), options.issuer).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }
  throw new Error(`never reached ${options.stopAt}: ${hops.join(' → ')}`);
}
