import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError } from '../errors/domain-error.js';
import type { Principal } from './principal.js';
import type { Scope } from './scopes.js';

export const IS_PUBLIC = 'auth:public';
export const REQUIRED_SCOPES = 'auth:scopes';
export const PLATFORM_ADMIN_ONLY = 'auth:platform-admin';

/** No credentials needed (health, docs). Every other route is closed unless it names its scopes. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** The caller needs every one of these scopes (`admin` of an organization does not imply the others). */
export const RequireScopes = (...scopes: Scope[]) => SetMetadata(REQUIRED_SCOPES, scopes);

/** Only a platform-admin key (ADMIN_API_KEY or one made with it). */
export const PlatformAdminOnly = () => SetMetadata(PLATFORM_ADMIN_ONLY, true);

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
