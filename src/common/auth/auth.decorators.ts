import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ApiForbiddenResponse, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { DomainError } from '../errors/domain-error.js';
import { ErrorBodyDto } from '../errors/error-body.dto.js';
import type { Principal } from './principal.js';
import type { Scope } from './scopes.js';

export const IS_PUBLIC = 'auth:public';
export const REQUIRED_SCOPES = 'auth:scopes';
export const PLATFORM_ADMIN_ONLY = 'auth:platform-admin';

/** No credentials needed (health, docs). Every other route is closed unless it names its scopes. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/**
 * What the global guard answers on every route it checks, in the OpenAPI document. It lives with the
 * decorators that make the guard check a route, so no route can be checked without saying so.
 */
const ApiGuardResponses = (forbidden: string) =>
  applyDecorators(
    ApiUnauthorizedResponse({
      type: ErrorBodyDto,
      description:
        'AUTH_REQUIRED (no `Authorization`), UNSUPPORTED_AUTH_SCHEME, or INVALID_CREDENTIALS (unknown, ' +
        'revoked or expired key or token)',
    }),
    ApiForbiddenResponse({ type: ErrorBodyDto, description: forbidden }),
    ApiTooManyRequestsResponse({
      type: ErrorBodyDto,
      description:
        'TOO_MANY_AUTH_FAILURES: too many failed authentications; retry after `Retry-After` seconds',
      headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } },
    }),
  );

/** The caller needs every one of these scopes (`admin` of an organization does not imply the others). */
export const RequireScopes = (...scopes: Scope[]) =>
  applyDecorators(
    SetMetadata(REQUIRED_SCOPES, scopes),
    ApiGuardResponses(
      `INSUFFICIENT_SCOPE (needs ${scopes.join(', ')}), or ORGANIZATION_REQUIRED (a credential of no organization)`,
    ),
  );

/** Only a platform-admin key (ADMIN_API_KEY or one made with it). */
export const PlatformAdminOnly = () =>
  applyDecorators(
    SetMetadata(PLATFORM_ADMIN_ONLY, true),
    ApiGuardResponses('PLATFORM_ADMIN_REQUIRED: only a platform-admin key may do this'),
  );

export const organizationRequired = () =>
  new DomainError(
    'forbidden',
    'ORGANIZATION_REQUIRED',
    "This credential belongs to no organization: use an organization's API key",
  );

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<Request>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without authentication');
  return principal;
});

/** The caller's organization; a platform admin (who has none) is refused here. */
export const OrganizationId = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const principal = ctx.switchToHttp().getRequest<Request>().principal;
  if (!principal?.organizationId) throw organizationRequired();
  return principal.organizationId;
});
