import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';

export const OIDC_AUDIENCE = 'pieces-api';
const ALG = 'RS256';

export interface TokenOptions {
  issuer?: string;
  audience?: string;
  subject?: string | null;
  /** `setExpirationTime` input, e.g. '5m', or an absolute time in seconds since the epoch. */
  expiresAt?: string | number;
  kid?: string;
  /** Sign with this key instead of the issuer's own. */
  key?: CryptoKey;
}

/**
 * A tiny OAuth2/OIDC issuer on 127.0.0.1: a discovery document and a JWKS with one RSA key, and a way to
 * sign access tokens with it. Only what the API reads of a real issuer, so the test owns the server.
 */
export interface TestIssuer {
  url: string;
  kid: string;
  privateKey: CryptoKey;
  /** How many times the JWKS was fetched: proves the app really went to the issuer. */
  jwksRequests: () => number;
  sign: (claims: JWTPayload, options?: TokenOptions) => Promise<string>;
  close: () => Promise<void>;
}

export async function startIssuer(): Promise<TestIssuer> {
  const { publicKey, privateKey } = await generateKeyPair(ALG);
  const kid = 'test-key-1';
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: ALG, use: 'sig' };
  let jwksRequests = 0;
  let url = '';

  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/.well-known/openid-configuration') {
      send(200, { issuer: url, jwks_uri: `${url}/jwks` });
    } else if (req.url === '/jwks') {
      jwksRequests += 1;
      send(200, { keys: [jwk] });
    } else {
      send(404, { error: 'not_found' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let closed = false;
  return {
    url,
    kid,
    privateKey,
    jwksRequests: () => jwksRequests,
    sign: (claims, options = {}) => {
      const jwt = new SignJWT(claims)
        .setProtectedHeader({ alg: ALG, kid: options.kid ?? kid })
        .setIssuer(options.issuer ?? url)
        .setAudience(options.audience ?? OIDC_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(options.expiresAt ?? '5m');
      if (options.subject !== null) jwt.setSubject(options.subject ?? 'user-1');
      return jwt.sign(options.key ?? privateKey);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      // The app's fetch keeps connections alive; without this, close() would wait for them.
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}

/** A port nothing listens on: an issuer that cannot be reached. */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** base64url of a JSON value, to hand-craft tokens no library would sign. */
export function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
