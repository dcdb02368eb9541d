const appOrigin = 'http://reprise.invalid';

/**
 * Returns `next` when it is a path inside this app, else `/`. The login page sends the person
 * back to `next`, so a link to `/login?next=https://elsewhere` must not redirect off-site.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) {
    return '/';
  }
  let url: URL;
  try {
    url = new URL(next, appOrigin);
  } catch {
    return '/';
  }
  if (url.origin !== appOrigin || url.pathname === '/login') return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}

/** Returns the login page URL that comes back to `currentPath` after login. */
export function loginPath(currentPath: string): string {
  const next = safeNextPath(currentPath);
  return next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`;
}
