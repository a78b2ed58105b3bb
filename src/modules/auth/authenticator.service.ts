import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../../common/auth/principal.js';
import { isScope } from '../../common/auth/scopes.js';
import { DomainError } from '../../common/errors/domain-error.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { displayPrefix } from './api-key-secret.js';
import { ApiKeysService } from './api-keys.service.js';
import { authRequired, invalidCredentials, unsupportedScheme } from './auth.errors.js';
import { JwtVerifier } from './jwt-verifier.js';
import { OrganizationsService } from './organizations.service.js';

/** `Bearer <JWT>`, `Bearer <API key>` or `Token <API key>` (seed 003); undefined for anything else. */
function readCredential(authorization: string): { kind: 'jwt' | 'api_key'; credential: string } | undefined {
  const match = /^(\w+)\s+(\S+)\s*$/.exec(authorization.trim());
  if (!match) return undefined;
  const scheme = match[1].toLowerCase();
  const credential = match[2];
  if (scheme === 'bearer' && JWT_SHAPE.test(credential)) return { kind: 'jwt', credential };
  if (scheme === 'bearer' || scheme === 'token') return { kind: 'api_key', credential };
  return undefined;
}

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
    const presented = readCredential(authorization);
    if (!presented) throw unsupportedScheme();
    return presented.kind === 'jwt'
      ? this.fromJwt(presented.credential)
      : this.fromApiKey(presented.credential);
  }

  /**
   * The shown prefix of the live API key a refused credential claims to be, if it claims one: its
   * failures are then counted against that key, so that guesses at one key are slowed without a
   * stranger's failures at the same address ever counting against it.
   */
  async claimedKeyPrefix(authorization: string | undefined): Promise<string | undefined> {
    const presented = authorization ? readCredential(authorization) : undefined;
    if (presented?.kind !== 'api_key' || presented.credential.length > 200) return undefined;
    const prefix = displayPrefix(presented.credential);
    return (await this.apiKeys.prefixInUse(prefix)) ? prefix : undefined;
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
