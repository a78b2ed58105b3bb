/**
 * What went wrong, in domain terms. Services throw these; `ErrorKind` is mapped to an HTTP status in one
 * place (http-exception.filter.ts), so no service knows about HTTP.
 */
export type ErrorKind =
  | 'bad_request'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'unsupported_media_type'
  | 'unprocessable'
  | 'rate_limited'
  | 'unavailable';

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    /** Stable, documented, SCREAMING_SNAKE_CASE: clients branch on it. */
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * Seed 002's error shape: HTTP 422 with a flat `{field: "message en français"}` map, one message per
 * failing field, every failing field at once.
 */
export class FieldValidationError extends Error {
  constructor(readonly fields: Record<string, string>) {
    super('Validation failed');
    this.name = 'FieldValidationError';
  }
}
