import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../../common/auth/principal.js';
import { isScope } from '../../common/auth/scopes.js';
import { DomainError } from '../../common/errors/domain-error.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { ApiKeysService } from './api-keys.service.js';
import { authRequired, invalidCredentials, unsupportedScheme } from './auth.errors.js';
import { JwtVerifier } from './jwt-verifier.js';
import { OrganizationsService } from './organizations.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const JWT_SHAPE = /^eyJ[\w-]*\.[\w-]+\.[\w-]+$/;

/** Turns an `Authorization` header into a Principal, or throws a 401 domain error. */
@Injectable()
export class AuthenticatorService {
  private readonly jwt?: JwtVerifier;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly apiKeys: ApiKeysService,
    private readonly organizations: OrganizationsService,
  ) {
    if (config.oidc) this.jwt = new JwtVerifier(config.oidc);
  }

  async authenticate(authorization: string | undefined): Promise<Principal> {
    if (!authorization?.trim()) throw authRequired();
    const match = /^(\w+)\s+(\S+)\s*$/.exec(authorization.trim());
    if (!match) throw unsupportedScheme();
    const scheme = match[1].toLowerCase();
    const credential = match[2];
    if (scheme === 'bearer' && JWT_SHAPE.test(credential)) return this.fromJwt(credential);
    if (scheme === 'bearer' || scheme === 'token') return this.fromApiKey(credential);
    throw unsupportedScheme();
  }

  private async fromApiKey(secret: string): Promise<Principal> {
    if (secret.length > 200) throw invalidCredentials();
    const key = await this.apiKeys.findUsable(secret);
    if (!key) throw invalidCredentials();
    return {
      kind: 'api_key',
      organizationId: key.organizationId,
      scopes: new Set(key.scopes.filter(isScope)),
      platformAdmin: key.platformAdmin,
      subject: key.id,
    };
  }

  private async fromJwt(token: string): Promise<Principal> {
    if (!this.jwt) throw invalidCredentials();
    let verified;
    try {
      verified = await this.jwt.verify(token);
    } catch {
      throw new DomainError(
        'unavailable',
        'AUTH_ISSUER_UNAVAILABLE',
        'The token issuer could not be reached',
      );
    }
    if (!verified) throw invalidCredentials();
    const org = verified.organizationClaim;
    if (typeof org !== 'string' || !UUID.test(org) || !(await this.organizations.exists(org))) {
      throw invalidCredentials();
    }
    return {
      kind: 'jwt',
      organizationId: org.toLowerCase(),
      // `admin` manages API keys: never granted by a token, whatever it claims.
      scopes: new Set(verified.scopes.filter(isScope).filter((s) => s !== 'admin')),
      platformAdmin: false,
      subject: verified.subject,
    };
  }
}
