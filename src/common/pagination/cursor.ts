/**
 * Opaque keyset cursors: the sort key and id of the last row of a page, base64url JSON. A cursor names
 * the sort it was made for, so it cannot be replayed against another ordering.
 */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

export interface CursorPosition {
  sort: string;
  value: string | number | null;
  id: number | string;
}

export interface Page<T> {
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.sort, position.value, position.id])).toString('base64url');
}

export function decodeCursor(cursor: string): CursorPosition | null {
  if (cursor.length > 512 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(decoded) || decoded.length !== 3) return null;
    const [sort, value, id] = decoded as unknown[];
    if (typeof sort !== 'string') return null;
    if (value !== null && typeof value !== 'string' && typeof value !== 'number') return null;
    if (typeof id !== 'number' && typeof id !== 'string') return null;
    return { sort, value, id };
  } catch {
    return null;
  }
}

/** `limit` as given in a query string: a whole number 1..100, default 50; null when invalid. */
export function parseLimit(raw: unknown): number | null {
  if (raw === undefined || raw === '') return DEFAULT_PAGE_SIZE;
  if (typeof raw !== 'string' || !/^\d{1,3}$/.test(raw)) return null;
  const n = Number(raw);
  return n >= 1 && n <= MAX_PAGE_SIZE ? n : null;
}

const ISO_MS = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * A timestamp as cursors carry it (Date.toISOString of a millisecond-precision column): checked
 * strictly, since PostgreSQL rejects much of what Date.parse accepts.
 */
export function isCursorTimestamp(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = ISO_MS.exec(value);
  if (!match) return false;
  const year = Number(match[1]);
  const time = Date.parse(value);
  return year >= 1900 && year <= 2999 && !Number.isNaN(time) && new Date(time).toISOString() === value;
}
