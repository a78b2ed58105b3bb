import { DomainError } from '../../common/errors/domain-error.js';

export const authRequired = () =>
  new DomainError('unauthenticated', 'AUTH_REQUIRED', 'Send `Authorization: Bearer <API key or token>`');

export const invalidCredentials = () =>
  new DomainError(
    'unauthenticated',
    'INVALID_CREDENTIALS',
    'The API key or token is invalid, expired or revoked',
  );

export const unsupportedScheme = () =>
  new DomainError(
    'unauthenticated',
    'UNSUPPORTED_AUTH_SCHEME',
    'Use `Authorization: Bearer <API key or token>` or `Authorization: Token <API key>`',
  );

export const tooManyAuthFailures = (retryAfterSeconds: number) =>
  new DomainError('rate_limited', 'TOO_MANY_AUTH_FAILURES', 'Too many failed authentication attempts', {
    retryAfterSeconds,
  });

export const insufficientScope = (required: string[], missing: string[]) =>
  new DomainError('forbidden', 'INSUFFICIENT_SCOPE', `Missing scope: ${missing.join(', ')}`, {
    required,
    missing,
  });

export const platformAdminRequired = () =>
  new DomainError('forbidden', 'PLATFORM_ADMIN_REQUIRED', 'Only a platform-admin key may do this');

export const apiKeyNotFound = () => new DomainError('not_found', 'API_KEY_NOT_FOUND', 'API key not found');

export const scopeEscalation = (scopes: string[]) =>
  new DomainError('forbidden', 'SCOPE_ESCALATION', 'A key cannot grant scopes its creator does not have', {
    scopes,
  });
