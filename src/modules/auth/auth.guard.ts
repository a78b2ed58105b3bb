import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import {
  IS_PUBLIC,
  organizationRequired,
  PLATFORM_ADMIN_ONLY,
  REQUIRED_SCOPES,
} from '../../common/auth/auth.decorators.js';
import type { Scope } from '../../common/auth/scopes.js';
import { DomainError } from '../../common/errors/domain-error.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { ALLOW_SIGNED_URL } from '../../storage/signed-url.decorator.js';
import { UrlSigner } from '../../storage/url-signer.js';
import { AuthFailureLimiter } from './auth-failure-limiter.js';
import { insufficientScope, platformAdminRequired, tooManyAuthFailures } from './auth.errors.js';
import { AuthenticatorService } from './authenticator.service.js';

/**
 * The global guard. Deny by default: a route passes only if it is `@Public()`, or names its scopes
 * (`@RequireScopes`) or `@PlatformAdminOnly()` and the caller has them. A route that forgot is closed.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly limiter: AuthFailureLimiter;

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: AuthenticatorService,
    private readonly signer: UrlSigner,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.limiter = new AuthFailureLimiter(
      config.authFailureLimit.max,
      config.authFailureLimit.windowSeconds * 1000,
    );
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const scopes = this.reflector.getAllAndOverride<Scope[] | undefined>(REQUIRED_SCOPES, targets);
    const platformOnly = this.reflector.getAllAndOverride<boolean>(PLATFORM_ADMIN_ONLY, targets) ?? false;
    if (!scopes && !platformOnly) {
      throw new DomainError('forbidden', 'ROUTE_NOT_DECLARED', 'This route declares no access rule');
    }
    const req = context.switchToHttp().getRequest<Request>();

    if (this.reflector.getAllAndOverride<boolean>(ALLOW_SIGNED_URL, targets) && 'signature' in req.query) {
      return this.checkSignature(req);
    }

    // Verified first, always: a valid credential passes whatever others at its address got wrong.
    let principal;
    try {
      principal = await this.authenticator.authenticate(req.headers.authorization);
    } catch (e) {
      if (e instanceof DomainError && e.kind === 'unauthenticated') {
        await this.countFailure(req, context.switchToHttp().getResponse<Response>());
      }
      throw e;
    }
    if (platformOnly && !principal.platformAdmin) throw platformAdminRequired();
    // Scoped routes act on an organization's data: a credential of no organization is told so plainly.
    if (!platformOnly && !principal.organizationId) throw organizationRequired();
    const missing = (scopes ?? []).filter((s) => !principal.scopes.has(s));
    if (missing.length > 0) throw insufficientScope(scopes ?? [], missing);
    req.principal = principal;
    return true;
  }

  /**
   * A failure counts against the address and the live key it claims to be (by its shown prefix), or
   * against the address alone when it claims none (random guesses, JWTs, no credential). Past the
   * limit, failures answer 429 with Retry-After instead of 401.
   */
  private async countFailure(req: Request, res: Response): Promise<void> {
    const client = req.ip ?? 'unknown';
    const prefix = await this.authenticator.claimedKeyPrefix(req.headers.authorization);
    const bucket = prefix ? `${client} ${prefix}` : client;
    const retryAfter = this.limiter.retryAfterSeconds(bucket);
    if (retryAfter > 0) {
      res.setHeader('Retry-After', String(retryAfter));
      throw tooManyAuthFailures(retryAfter);
    }
    this.limiter.recordFailure(bucket);
  }

  private checkSignature(req: Request): boolean {
    const result = this.signer.check(req.path, req.query, req.method === 'HEAD' ? 'GET' : req.method);
    if (result === 'expired')
      throw new DomainError('forbidden', 'URL_EXPIRED', 'This signed URL has expired');
    if (result === 'invalid')
      throw new DomainError('forbidden', 'INVALID_SIGNATURE', 'This signed URL is invalid');
    return true;
  }
}
