import { isCalendarDate } from '../dates/calendar-date.js';
import { DomainError } from '../errors/domain-error.js';
import { UUID } from './uuid.js';

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

/** What a list newest first by (created_at, id) pages on. */
export interface CreatedAtRow {
  createdAt: Date;
  id: string;
}

/** The cursor of the page after `rows` in a list sorted by (created_at, id); null on the last page. */
export function nextCreatedAtCursor(
  sort: string,
  rows: readonly CreatedAtRow[],
  hasMore: boolean,
): string | null {
  const last = rows.at(-1);
  return hasMore && last ? encodeCursor({ sort, value: last.createdAt.toISOString(), id: last.id }) : null;
}

/** A page as every list answers it. */
export function toPage<R, T>(rows: readonly R[], nextCursor: string | null, present: (row: R) => T): Page<T> {
  return { data: rows.map(present), has_more: nextCursor !== null, next_cursor: nextCursor };
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

/** What a cursor's sort value must be, by its column's type. */
interface CursorValueKinds {
  /** A timestamp as Date.toISOString writes it (isCursorTimestamp). */
  'iso-ms': string;
  /** A calendar date, YYYY-MM-DD. */
  date: string;
  /** A non-negative amount, at most 12 digits and 2 decimals. */
  decimal: string;
  /** No value: the sort is on the id alone. */
  none: null;
  /** Whatever the cursor carries, unread: the sort is on the id, whose type is checked. */
  ignored: CursorPosition['value'];
}

/** What a cursor's id must be: a uuid, or a positive int4 (serial) id. */
interface CursorIdKinds {
  uuid: string;
  int: number;
}

export type CursorValueKind = keyof CursorValueKinds;
export type CursorIdKind = keyof CursorIdKinds;

/** The list a cursor must have been made for: its sort, and the types of its value and id. */
export interface CursorShape<V extends CursorValueKind, I extends CursorIdKind> {
  sort: string;
  value: V;
  id: I;
}

/** A position read through its shape: typed as the list uses it. */
export interface CursorAt<V extends CursorValueKind, I extends CursorIdKind> {
  sort: string;
  value: CursorValueKinds[V];
  id: CursorIdKinds[I];
}

const DECIMAL = /^\d{1,12}(\.\d{1,2})?$/;

const VALUE_CHECKS: Record<CursorValueKind, (value: unknown) => boolean> = {
  'iso-ms': isCursorTimestamp,
  date: isCalendarDate,
  decimal: (value) => typeof value === 'string' && DECIMAL.test(value),
  none: (value) => value === null,
  ignored: () => true,
};

const ID_CHECKS: Record<CursorIdKind, (id: unknown) => boolean> = {
  uuid: (id) => typeof id === 'string' && UUID.test(id),
  int: (id) => typeof id === 'number' && Number.isInteger(id) && id >= 1 && id <= 2_147_483_647,
};

/**
 * The position a cursor names when it was made for this list, else null. A cursor is opaque to clients
 * but not trusted: the sort must be this list's and its value and id the types of its columns, so that
 * a forged one answers as invalid rather than reaching PostgreSQL with a value it refuses.
 */
export function parseCursor<V extends CursorValueKind, I extends CursorIdKind>(
  text: string,
  shape: CursorShape<V, I>,
): CursorAt<V, I> | null {
  const position = decodeCursor(text);
  if (!position || position.sort !== shape.sort) return null;
  if (!VALUE_CHECKS[shape.value](position.value) || !ID_CHECKS[shape.id](position.id)) return null;
  return position as CursorAt<V, I>;
}

export const invalidCursor = () =>
  new DomainError('unprocessable', 'INVALID_CURSOR', 'The cursor is invalid for this list');

/** parseCursor, or 422 INVALID_CURSOR: what the lists in the usual error envelope answer. */
export function readCursor<V extends CursorValueKind, I extends CursorIdKind>(
  text: string,
  shape: CursorShape<V, I>,
): CursorAt<V, I> {
  const position = parseCursor(text, shape);
  if (!position) throw invalidCursor();
  return position;
}
