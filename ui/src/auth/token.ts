// The API token arrives once in the URL (?token=...), is kept in sessionStorage for reloads of
// this tab, and is then removed from the address bar so it does not end up in screenshots,
// bookmarks or browser history.

const STORAGE_KEY = 'opsconductor.token';

export function takeToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(STORAGE_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + (url.search === '?' ? '' : url.search) + url.hash);
  }
  return sessionStorage.getItem(STORAGE_KEY);
}

export type TokenRole = 'viewer' | 'operator' | 'analyst' | 'admin';

/**
 * The role a token claims, read from its payload without checking the signature. Only for
 * deciding what to show (a viewer never sees an acknowledge button): the API checks the
 * signature and the role on every request, so a forged payload gains nothing.
 */
export function roleOfToken(token: string): TokenRole {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='));
    const role = (JSON.parse(json) as { role?: unknown }).role;
    return role === 'operator' || role === 'analyst' || role === 'admin' ? role : 'viewer';
  } catch {
    return 'viewer';
  }
}

const ROLE_ORDER: readonly TokenRole[] = ['viewer', 'operator', 'analyst', 'admin']; // the API's order

/** Acknowledging needs at least operator (viewer < operator < analyst < admin, as the API ranks them). */
export function canAcknowledge(role: TokenRole): boolean {
  return ROLE_ORDER.indexOf(role) >= ROLE_ORDER.indexOf('operator');
}
