import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { AppConfig } from '../../config/app-config.js';

type Oidc = NonNullable<AppConfig['oidc']>;

export interface VerifiedJwt {
  subject: string;
  organizationClaim: unknown;
  scopes: string[];
}

/**
 * Verifies OAuth2/OIDC access tokens against the issuer's JWKS. The JWKS address comes from
 * OIDC_JWKS_URI or the issuer's discovery document; keys are cached and refetched on an unknown `kid`.
 */
export class JwtVerifier {
  private jwks?: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly oidc: Oidc) {}

  /** Null when the token is not valid for us; throws only when the issuer cannot be reached. */
  async verify(token: string): Promise<VerifiedJwt | null> {
    const jwks = await this.keySet();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        issuer: this.oidc.issuer,
        ...(this.oidc.audience ? { audience: this.oidc.audience } : {}),
      }));
    } catch (e) {
      if (e instanceof joseErrors.JOSEError && !(e instanceof joseErrors.JWKSTimeout)) return null;
      throw e;
    }
    if (typeof payload.sub !== 'string') return null;
    return {
      subject: payload.sub,
      organizationClaim: payload[this.oidc.organizationClaim],
      scopes: scopesOf(payload),
    };
  }

  private async keySet(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    if (!this.jwks) {
      const uri = this.oidc.jwksUri ?? (await this.discoverJwksUri());
      this.jwks = createRemoteJWKSet(new URL(uri), { timeoutDuration: 5000, cooldownDuration: 30_000 });
    }
    return this.jwks;
  }

  private async discoverJwksUri(): Promise<string> {
    const url = `${this.oidc.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`OIDC discovery at ${url} answered ${res.status}`);
    const doc = (await res.json()) as { jwks_uri?: unknown };
    if (typeof doc.jwks_uri !== 'string') throw new Error(`OIDC discovery at ${url} has no jwks_uri`);
    return doc.jwks_uri;
  }
}

/** OAuth2 puts scopes in a space-separated `scope`; some issuers use an `scp` array instead. */
function scopesOf(payload: JWTPayload): string[] {
  if (typeof payload.scope === 'string') return payload.scope.split(' ').filter(Boolean);
  if (Array.isArray(payload.scp)) return payload.scp.filter((s): s is string => typeof s === 'string');
  return [];
}
