// Cursor paging shared by the list queries: opaque base64url cursors over the sort key, and the
// `first` argument bounded by the same limits everywhere.

import { ApiError } from './errors.js';
import { API_DEFAULTS } from './defaults.js';

export interface PageInfo {
  endCursor: string | null;
  hasNextPage: boolean;
}

export function pageSize(first: number | null | undefined): number {
  const n = first ?? API_DEFAULTS.paging.defaultFirst;
  if (!Number.isInteger(n) || n < 1 || n > API_DEFAULTS.paging.maxFirst) {
    throw new ApiError('BAD_USER_INPUT', `first must be between 1 and ${API_DEFAULTS.paging.maxFirst}, got ${n}`);
  }
  return n;
}

/**
 * A nested list's `limit` (the SDL's default already applied), checked again where the list is
 * cut: the document check sees a query's variables but not a subscription's.
 */
export function listLimit(value: number | null | undefined, bound: { default?: number; max: number }, what: string): number {
  const n = value ?? bound.default ?? bound.max;
  if (!Number.isInteger(n) || n < 1 || n > bound.max) throw new ApiError('BAD_USER_INPUT', `${what}: limit must be a whole number from 1 to ${bound.max}, got ${n}`);
  return n;
}

export function encodeCursor(parts: unknown[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

/** The cursor's parts, checked against `shape` (typeof of each part); BAD_USER_INPUT otherwise. */
export function decodeCursor(cursor: string | null | undefined, shape: Array<'string' | 'number'>): unknown[] | null {
  if (cursor === null || cursor === undefined || cursor === '') return null;
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parts) && parts.length === shape.length && parts.every((p, i) => typeof p === shape[i])) return parts;
  } catch {
    // fall through
  }
  throw new ApiError('BAD_USER_INPUT', 'after is not a cursor this list handed out');
}

/** Splits the LIMIT first + 1 rows of a page query into the page and its PageInfo. */
export function page<T>(rows: T[], first: number, cursorOf: (row: T) => unknown[]): { nodes: T[]; pageInfo: PageInfo } {
  const hasNextPage = rows.length > first;
  const nodes = hasNextPage ? rows.slice(0, first) : rows;
  const last = nodes[nodes.length - 1];
  return { nodes, pageInfo: { endCursor: last === undefined ? null : encodeCursor(cursorOf(last)), hasNextPage } };
}
