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
