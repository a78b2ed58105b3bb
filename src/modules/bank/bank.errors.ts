import { DomainError } from '../../common/errors/domain-error.js';

export const bankAccountNotFound = () =>
  new DomainError('not_found', 'BANK_ACCOUNT_NOT_FOUND', 'Bank account not found');

export const bankOperationNotFound = () =>
  new DomainError('not_found', 'BANK_OPERATION_NOT_FOUND', 'Bank operation not found');

export const ibanTaken = () =>
  new DomainError(
    'conflict',
    'BANK_ACCOUNT_IBAN_TAKEN',
    'Another bank account of the organization has this IBAN',
  );

export const bankOperationNotPending = () =>
  new DomainError(
    'conflict',
    'BANK_OPERATION_NOT_PENDING',
    'Only a pending line entered by hand can be deleted; statement lines stay as the bank wrote them',
  );

export const bankOperationHasAffectations = () =>
  new DomainError(
    'conflict',
    'BANK_OPERATION_HAS_AFFECTATIONS',
    'This line justifies receipts: delete its affectations first',
  );

export const multipartRequired = () =>
  new DomainError(
    'unsupported_media_type',
    'MULTIPART_REQUIRED',
    'Send the statement as multipart/form-data, in the field `file`',
  );

export const statementFileRequired = () =>
  new DomainError(
    'unprocessable',
    'STATEMENT_FILE_REQUIRED',
    'Send the statement in the multipart field `file`',
  );

export const statementTooLarge = (maxBytes: number) =>
  new DomainError(
    'too_large',
    'STATEMENT_TOO_LARGE',
    `A statement file may hold at most ${maxBytes} bytes (${maxBytes / 1_048_576} MiB)`,
    { maxBytes },
  );

export const malformedMultipart = (reason: string) =>
  new DomainError('bad_request', 'MALFORMED_MULTIPART', `The multipart body is malformed: ${reason}`);

export const statementFormatUnknown = () =>
  new DomainError(
    'unsupported_media_type',
    'STATEMENT_FORMAT_UNKNOWN',
    'The file is not a CSV, OFX or CAMT.053 statement (or give `format`)',
  );

/** How a person names each format (`camt053` is CAMT.053 to a bank). */
const FORMAT_NAMES: Record<string, string> = { csv: 'CSV', ofx: 'OFX', camt053: 'CAMT.053' };

export const statementUnreadable = (format: string, reason: string, details?: unknown) =>
  new DomainError(
    'unprocessable',
    'STATEMENT_UNREADABLE',
    `This ${FORMAT_NAMES[format] ?? format.toUpperCase()} statement cannot be read: ${reason}`,
    details,
  );

export const statementAccountMismatch = (found: string[]) =>
  new DomainError(
    'unprocessable',
    'STATEMENT_ACCOUNT_MISMATCH',
    'The statement is for another account than this bank account (by IBAN or account number)',
    { found },
  );

export const statementCurrencyMismatch = (found: string, expected: string) =>
  new DomainError(
    'unprocessable',
    'STATEMENT_CURRENCY_MISMATCH',
    `The statement is in ${found}; this bank account is in ${expected}`,
    { found, expected },
  );

export const statementFileEmpty = () =>
  new DomainError('unprocessable', 'STATEMENT_FILE_EMPTY', 'The statement file is empty');
