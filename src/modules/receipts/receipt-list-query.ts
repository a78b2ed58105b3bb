import { parseLocalDateTime } from '../../common/dates/zoned-date.js';
import { parseAmount } from '../../common/money/money.js';
import {
  parseCursor,
  parseLimit,
  type CursorPosition,
  type CursorValueKind,
} from '../../common/pagination/cursor.js';
import { hasControlCharacters } from './receipt-input.js';
import { RECEIPT_TYPES, type ReceiptType } from './receipt.entity.js';

export const RECEIPT_SORT_FIELDS = [
  'id',
  'created_at',
  'operation_date',
  'amount',
  'amount_with_vat',
] as const;
export type ReceiptSortField = (typeof RECEIPT_SORT_FIELDS)[number];

/** What each sort's cursor carries besides the id (an id sort's value is not read). */
const CURSOR_VALUES: Record<ReceiptSortField, CursorValueKind> = {
  id: 'ignored',
  created_at: 'iso-ms',
  operation_date: 'iso-ms',
  amount: 'decimal',
  amount_with_vat: 'decimal',
};

export interface ReceiptListQuery {
  type?: ReceiptType;
  status?: boolean;
  operationDateFrom?: Date;
  operationDateTo?: Date;
  createdAtFrom?: Date;
  createdAtTo?: Date;
  amountMin?: string;
  amountMax?: string;
  amountWithVatMin?: string;
  amountWithVatMax?: string;
  q?: string;
  sort: { field: ReceiptSortField; direction: 'ASC' | 'DESC'; raw: string };
  limit: number;
  cursor?: CursorPosition;
}

const DATE_MESSAGE = 'doit être une date valide au format AAAA-MM-JJ HH:mm:ss';

/** GET /invoice's query string, with seed 002's flat French error map for what does not parse. */
export function parseReceiptListQuery(
  raw: Record<string, unknown>,
  timeZone: string,
): { query: ReceiptListQuery; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const single = (name: string): string | undefined => {
    const value = raw[name];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string') {
      errors[name] = 'Ce paramètre ne peut être donné qu’une fois';
      return undefined;
    }
    return value;
  };

  const sortRaw = single('sort') ?? '-id';
  const field = sortRaw.replace(/^[-+]/, '') as ReceiptSortField;
  if (!RECEIPT_SORT_FIELDS.includes(field)) {
    errors.sort = `Le tri doit être l’un de ${RECEIPT_SORT_FIELDS.join(', ')}, précédé de « - » pour un ordre décroissant`;
  }
  const query: ReceiptListQuery = {
    sort: { field, direction: sortRaw.startsWith('-') ? 'DESC' : 'ASC', raw: sortRaw },
    limit: 50,
  };

  const limit = parseLimit(single('limit'));
  if (limit === null) errors.limit = 'La limite doit être un entier entre 1 et 100';
  else query.limit = limit;

  const cursor = single('cursor');
  if (cursor !== undefined) {
    const position = RECEIPT_SORT_FIELDS.includes(field)
      ? parseCursor(cursor, { sort: sortRaw, value: CURSOR_VALUES[field], id: 'int' })
      : null;
    if (!position) errors.cursor = 'Le curseur est invalide pour ce tri';
    else query.cursor = position;
  }

  const type = single('type');
  if (type !== undefined) {
    if ((RECEIPT_TYPES as readonly string[]).includes(type)) query.type = type as ReceiptType;
    else errors.type = 'Le type doit être « frais » ou « vente »';
  }

  const status = single('status');
  if (status !== undefined) {
    if (['1', 'true'].includes(status)) query.status = true;
    else if (['0', 'false'].includes(status)) query.status = false;
    else errors.status = 'Le statut doit valoir 0, 1, true ou false';
  }

  const date = (name: string, label: string, set: (d: Date) => void) => {
    const value = single(name);
    if (value === undefined) return;
    const parsed = parseLocalDateTime(value, timeZone);
    if (parsed) set(parsed);
    else errors[name] = `${label} ${DATE_MESSAGE}`;
  };
  date('operation_date_from', 'La date de début', (d) => (query.operationDateFrom = d));
  date('operation_date_to', 'La date de fin', (d) => (query.operationDateTo = d));
  date('created_at_from', 'La date de début', (d) => (query.createdAtFrom = d));
  date('created_at_to', 'La date de fin', (d) => (query.createdAtTo = d));

  const amount = (name: string, set: (v: string) => void) => {
    const value = single(name);
    if (value === undefined) return;
    const parsed = parseAmount(value);
    if ('value' in parsed) set(parsed.value);
    else errors[name] = 'Le montant doit être un nombre positif avec au plus 2 décimales';
  };
  amount('amount_min', (v) => (query.amountMin = v));
  amount('amount_max', (v) => (query.amountMax = v));
  amount('amount_with_vat_min', (v) => (query.amountWithVatMin = v));
  amount('amount_with_vat_max', (v) => (query.amountWithVatMax = v));

  const q = single('q')?.trim();
  if (q !== undefined) {
    if (q.length > 100) errors.q = 'La recherche ne doit pas dépasser 100 caractères';
    // No label or reference holds one (and PostgreSQL refuses a NUL in text).
    else if (hasControlCharacters(q, false)) errors.q = 'La recherche contient des caractères invalides';
    else if (q) query.q = q;
  }
  return { query, errors };
}
