import { parseLocalDateTime } from '../../common/dates/zoned-date.js';
import { compareAmounts, isPositive, MAX_INTEGER_DIGITS, parseAmount } from '../../common/money/money.js';
import { RECEIPT_TYPES, type ReceiptType } from './receipt.entity.js';

/** A validated write to a receipt; `undefined` = not sent (keep), `null` = cleared. */
export interface ReceiptInput {
  label?: string;
  type?: ReceiptType;
  amount?: string;
  amountWithVat?: string;
  vat?: string | null;
  vatValue?: string | null;
  reference?: string;
  comment?: string | null;
  operationDate?: Date;
  createdAt?: Date;
}

/**
 * create: POST. replace: PUT (everything required but `reference`, as seed 002 says). patch: PATCH (only
 * `type` and `operation_date` are required, as seed 002 says "lors de la mise à jour").
 */
export type WriteMode = 'create' | 'replace' | 'patch';

export const LABEL_MAX = 255;
export const COMMENT_MAX = 5000;
const MAX_AMOUNT = `${'9'.repeat(MAX_INTEGER_DIGITS)}.99`;

export const MESSAGES = {
  labelRequired: 'Le libellé est obligatoire',
  labelInvalid: `Le libellé doit être un texte de ${LABEL_MAX} caractères au plus`,
  typeRequired: 'Le type est obligatoire',
  typeInvalid: 'Le type doit être « frais » ou « vente »',
  amountRequired: 'Le montant est obligatoire',
  amountInvalid: 'Le montant doit être un nombre positif',
  amountWithVatRequired: 'Le montant TTC est obligatoire',
  amountWithVatInvalid: 'Le montant TTC doit être un nombre positif',
  vatInvalid: 'La TVA doit être un pourcentage entre 0 et 100',
  vatValueInvalid: 'Le montant de la TVA doit être un nombre positif ou nul',
  decimals: (what: string) => `${what} doit avoir au plus 2 décimales`,
  tooLarge: (what: string) => `${what} ne doit pas dépasser ${MAX_AMOUNT}`,
  referenceRequired: 'La référence est obligatoire',
  referenceInvalid: 'La référence doit contenir entre 3 et 100 caractères',
  commentInvalid: `Le commentaire doit être un texte de ${COMMENT_MAX} caractères au plus`,
  operationDateRequired: "La date d'opération est obligatoire",
  operationDateInvalid: "La date d'opération doit être une date valide au format AAAA-MM-JJ HH:mm:ss",
  createdAtInvalid: 'La date de création doit être une date valide au format AAAA-MM-JJ HH:mm:ss',
  tooDeep: 'La valeur contient trop de niveaux imbriqués',
  invalidText: 'Le texte contient des caractères invalides (UTF-8 mal formé)',
} as const;

type Raw = Record<string, unknown>;
type Errors = Record<string, string>;

/**
 * Seed 002's rules, every failing field reported at once with one French message each. Reads both
 * JSON values and multipart strings. Read-only fields (id, name, status, affectation_id, receipt_path)
 * are ignored.
 */
export function validateReceiptInput(
  raw: Raw,
  mode: WriteMode,
  timeZone: string,
): { input: ReceiptInput; errors: Errors } {
  const errors: Errors = {};
  const input: ReceiptInput = {};
  const required = (field: string) => mode !== 'patch' || field === 'type' || field === 'operation_date';

  const label = text(raw, 'label', { required: required('label'), min: 1, max: LABEL_MAX });
  if (label.error) errors.label = label.error === 'required' ? MESSAGES.labelRequired : MESSAGES.labelInvalid;
  else if (label.value !== undefined && label.value !== null) input.label = label.value;

  const type = present(raw, 'type');
  if (type === undefined) {
    errors.type = MESSAGES.typeRequired;
  } else if (typeof type !== 'string' || !(RECEIPT_TYPES as readonly string[]).includes(type.trim())) {
    errors.type = MESSAGES.typeInvalid;
  } else {
    input.type = type.trim() as ReceiptType;
  }

  amountField(
    raw,
    'amount',
    'Le montant',
    required('amount'),
    MESSAGES.amountRequired,
    MESSAGES.amountInvalid,
    {
      errors,
      set: (v) => (input.amount = v),
      positive: true,
    },
  );
  amountField(
    raw,
    'amount_with_vat',
    'Le montant TTC',
    required('amount_with_vat'),
    MESSAGES.amountWithVatRequired,
    MESSAGES.amountWithVatInvalid,
    { errors, set: (v) => (input.amountWithVat = v), positive: true },
  );
  const vat = nullableAmount(raw, 'vat');
  if (vat.error || (vat.value && compareAmounts(vat.value, '100') > 0)) {
    errors.vat = vat.error === 'too_many_decimals' ? MESSAGES.decimals('La TVA') : MESSAGES.vatInvalid;
  } else if (vat.value !== undefined) {
    input.vat = vat.value;
  }
  const vatValue = nullableAmount(raw, 'vat_value');
  if (vatValue.error) {
    errors.vat_value = amountMessage(vatValue.error, 'Le montant de la TVA', MESSAGES.vatValueInvalid);
  } else if (vatValue.value !== undefined) {
    input.vatValue = vatValue.value;
  }

  const reference = text(raw, 'reference', { required: mode === 'create', min: 3, max: 100 });
  if (reference.error) {
    errors.reference =
      reference.error === 'required' ? MESSAGES.referenceRequired : MESSAGES.referenceInvalid;
  } else if (reference.value !== undefined && reference.value !== null) {
    input.reference = reference.value;
  }

  const comment = text(raw, 'comment', { required: false, min: 0, max: COMMENT_MAX, nullable: true });
  if (comment.error) errors.comment = MESSAGES.commentInvalid;
  else if (comment.value !== undefined) input.comment = comment.value === '' ? null : comment.value;

  const operationDate = present(raw, 'operation_date');
  if (operationDate === undefined) {
    errors.operation_date = MESSAGES.operationDateRequired;
  } else {
    const date = parseLocalDateTime(operationDate, timeZone);
    if (date) input.operationDate = date;
    else errors.operation_date = MESSAGES.operationDateInvalid;
  }

  const createdAt = present(raw, 'created_at');
  if (createdAt !== undefined) {
    const date = parseLocalDateTime(createdAt, timeZone);
    if (date) input.createdAt = date;
    else errors.created_at = MESSAGES.createdAtInvalid;
  }

  return { input, errors };
}

/** The value sent for `field`, or undefined when absent, null, or an empty string (blank form field). */
function present(raw: Raw, field: string): unknown {
  const value = raw[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && value.trim() === '') return undefined;
  return value;
}

function text(
  raw: Raw,
  field: string,
  rule: { required: boolean; min: number; max: number; nullable?: boolean },
): { value?: string | null; error?: 'required' | 'invalid' } {
  const value = raw[field];
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    if (rule.required) return { error: 'required' };
    if (rule.nullable && field in raw) return { value: null };
    return {};
  }
  if (typeof value !== 'string' && typeof value !== 'number') return { error: 'invalid' };
  const trimmed = String(value).trim();
  const length = [...trimmed].length;
  if (length < rule.min || length > rule.max || hasControlCharacters(trimmed, rule.nullable === true)) {
    return { error: 'invalid' };
  }
  return { value: trimmed };
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_EXCEPT_LINE_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Control characters have no place in a label or reference; a comment may keep its line breaks. */
export function hasControlCharacters(value: string, multiline: boolean): boolean {
  return multiline ? CONTROL_EXCEPT_LINE_BREAKS.test(value) : CONTROL.test(value);
}

function amountMessage(problem: string, what: string, invalid: string): string {
  if (problem === 'too_many_decimals') return MESSAGES.decimals(what);
  if (problem === 'too_large') return MESSAGES.tooLarge(what);
  return invalid;
}

function amountField(
  raw: Raw,
  field: string,
  what: string,
  isRequired: boolean,
  requiredMessage: string,
  invalidMessage: string,
  out: { errors: Errors; set: (value: string) => void; positive: boolean },
): void {
  const value = present(raw, field);
  if (value === undefined) {
    if (isRequired) out.errors[field] = requiredMessage;
    return;
  }
  const parsed = parseAmount(value);
  if ('problem' in parsed) {
    out.errors[field] = amountMessage(parsed.problem, what, invalidMessage);
    return;
  }
  if (out.positive && !isPositive(parsed.value)) {
    out.errors[field] = invalidMessage;
    return;
  }
  out.set(parsed.value);
}

/** An optional amount ≥ 0: absent → undefined, explicit null or "" → null (cleared). */
function nullableAmount(raw: Raw, field: string): { value?: string | null; error?: string } {
  if (!(field in raw)) return {};
  const value = present(raw, field);
  if (value === undefined) return { value: null };
  const parsed = parseAmount(value);
  if ('problem' in parsed) return { error: parsed.problem };
  return { value: parsed.value };
}
