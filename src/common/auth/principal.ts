import type { Scope } from './scopes.js';

/** Who is calling, as the auth guard established it. */
export interface Principal {
  kind: 'api_key' | 'jwt';
  /** Null only for a platform admin, who acts on no organization's data. */
  organizationId: string | null;
  scopes: ReadonlySet<Scope>;
  platformAdmin: boolean;
  /** API key id, or the JWT's `sub`. */
  subject: string;
}

declare module 'express' {
  interface Request {
    principal?: Principal;
  }
}
