// Pages are addressed by the URL's hash (#/explore?…), so the wall's own query string (its
// layout) and the page state never mix, and a page change never reloads the app or its sockets.

import { useSyncExternalStore } from 'react';

export type Route =
  | { page: 'wall' }
  | { page: 'map' }
  | { page: 'explore'; params: URLSearchParams }
  | { page: 'anomalies'; params: URLSearchParams }
  | { page: 'device'; deviceId: string; params: URLSearchParams };

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'explore') return { page: 'explore', params };
  if (parts[0] === 'map') return { page: 'map' };
  if (parts[0] === 'anomalies') return { page: 'anomalies', params };
  if (parts[0] === 'devices' && parts[1]) return { page: 'device', deviceId: parts[1], params };
  return { page: 'wall' };
}

export function hrefOf(page: 'wall' | 'map' | 'explore' | 'anomalies', params?: URLSearchParams): string;
export function hrefOf(page: 'device', params: URLSearchParams | undefined, deviceId: string): string;
export function hrefOf(page: Route['page'], params?: URLSearchParams, deviceId?: string): string {
  const q = params && params.toString() ? `?${params.toString()}` : '';
  if (page === 'wall') return '#/';
  if (page === 'device') return `#/devices/${encodeURIComponent(deviceId ?? '')}${q}`;
  return `#/${page}${q}`;
}

/** Replaces the page's parameters without a history entry (zoom, filters). */
export function replaceParams(params: URLSearchParams): void {
  const [path = ''] = window.location.hash.split('?');
  const q = params.toString();
  window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}${path}${q ? `?${q}` : ''}`);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

const subscribe = (listener: () => void) => {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
};
const snapshot = () => window.location.hash;

export function useHash(): string {
  return useSyncExternalStore(subscribe, snapshot);
}
