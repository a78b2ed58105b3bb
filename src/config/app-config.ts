import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { isCurrencyCode } from '../common/money/currency.js';

export type StorageDriverName = 'local' | 's3';

export const LIGHTNING_BACKENDS = ['dev', 'lnd', 'none'] as const;
export type LightningBackendName = (typeof LIGHTNING_BACKENDS)[number];

/** Where Lightning invoices are made and watched. */
export type LightningConfig =
  | { backend: 'dev' | 'none' }
  | {
      backend: 'lnd';
      lnd: {
        /** LND's REST root, https://host:8080. */
        restUrl: string;
        /** The macaroon, hex, as LND's Grpc-Metadata-macaroon header wants it (from LND_MACAROON_HEX). */
        macaroonHex: string | undefined;
        /** Or the macaroon file (binary, as lncli bakemacaroon writes it), read at boot. */
        macaroonPath: string | undefined;
        /** LND's tls.cert: the only certificate authority trusted for restUrl (pinned). Unset: the system's. */
        tlsCertPath: string | undefined;
        /** A request to LND that has not been answered within this time has failed. */
        timeoutSeconds: number;
      };
    };

export const RATE_SOURCE_NAMES = ['fixed', 'kraken'] as const;
export type RateSourceName = (typeof RATE_SOURCE_NAMES)[number];

/** One entry of FIXED_RATES: 1 `base` = `rate` `quote`, `rate` a positive decimal string as written. */
export interface FixedRate {
  base: string;
  quote: string;
  rate: string;
}

/** The whole environment, validated once at boot. Nothing else reads `process.env`. */
export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /** Absolute base URL clients reach the API at; signed URLs are built on it. */
  publicUrl: string;
  /** Unset: an embedded PostgreSQL is started under `dataDir/postgres`. */
  databaseUrl: string | undefined;
  /** Unset: the embedded PostgreSQL listens on a free port chosen at each start. */
  embeddedPostgresPort: number | undefined;
  dataDir: string;
  storageDriver: StorageDriverName;
  /** Set when storageDriver is s3. */
  s3:
    | {
        bucket: string;
        region: string;
        endpoint: string | undefined;
        /** Endpoint put in presigned URLs, when clients reach the store by another address than the API. */
        publicEndpoint: string | undefined;
        forcePathStyle: boolean;
        accessKeyId: string | undefined;
        secretAccessKey: string | undefined;
        createBucket: boolean;
      }
    | undefined;
  uploads: {
    /** Lifetime of a presigned upload URL. */
    urlTtlSeconds: number;
    /** A confirmed upload not attached within this time is deleted. */
    retentionHours: number;
    /** How often the expiry job runs (cron). */
    expiryCron: string;
  };
  storage: {
    /**
     * A stored file no row names is deleted once it is this old: longer than any request takes between
     * writing a file and committing its row, so a file being saved right now is never taken.
     */
    orphanAgeSeconds: number;
    /** How often the orphan collection runs (cron). */
    orphanCron: string;
  };
  jobs: {
    /** How often each instance looks whether a cron schedule is due (seconds). */
    cronCheckSeconds: number;
    /**
     * How often a job that outlived its timeout (its instance was killed, or it hangs) is failed and so
     * retried (seconds): pg-boss's maintenance interval.
     */
    maintenanceSeconds: number;
    /** How long a graceful stop waits for the jobs running before it hands them back (seconds). */
    stopTimeoutSeconds: number;
  };
  idempotency: {
    /**
     * How long an Idempotency-Key stays "in progress" after its request stops renewing it (it renews
     * while it runs): after a crash, a retry may take the key over once this has passed.
     */
    leaseSeconds: number;
  };
  events: {
    /** An event older than this many days, which no subscription has still to handle, is deleted. */
    retentionDays: number;
  };
  webhooks: {
    /**
     * Address ranges webhooks may reach although they are not public (loopback, private…). Empty in
     * production: the SSRF guard refuses every internal address.
     */
    allowedCidrs: string[];
    /** Delay before each attempt of a delivery, in seconds (the first is usually 0). */
    retryScheduleSeconds: number[];
    /** A receiver that has not answered within this time fails the attempt. */
    timeoutSeconds: number;
    /** A delivery attempt logged more than this many days ago is deleted (never a pending one). */
    deliveriesRetentionDays: number;
  };
  rates: {
    /** Asked in this order; the first that prices a pair wins. */
    sources: RateSourceName[];
    fixed: FixedRate[];
    /** Kraken's API root. Unset only under NODE_ENV=test without KRAKEN_URL: tests never call the real one. */
    krakenUrl: string | undefined;
    /** A source that has not answered within this time has failed. */
    timeoutSeconds: number;
    /** A quote from a network source is reused, by every replica, for this long, and never after. */
    cacheSeconds: number;
  };
  chain: {
    /**
     * Esplora-compatible REST APIs (Blockstream's esplora, mempool.space's /api), by network: where the
     * chain watcher reads the checkout addresses' transactions and the tip height.
     */
    esploraUrls: { mainnet: string | undefined; testnet: string | undefined };
    /** How often the chain watcher looks at the open invoices' addresses. */
    pollSeconds: number;
  };
  lightning: LightningConfig;
  /** Lightning invoices for payment requests (src/modules/lightning-payments). */
  lightningPayments: {
    /** How long an invoice can be paid (its BOLT #11 `x`): the time its rate is held. */
    invoiceExpirySeconds: number;
    /** How often the open invoices are looked up at the backend. */
    pollSeconds: number;
  };
  /** Seed 000: files uploaded by whoever pays a Lightning invoice (src/modules/pay-to-upload). */
  payToUpload: {
    /** The organization the paid-for files belong to; unset: the three routes answer "not configured". */
    organizationId: string | undefined;
    priceSats: number;
    /** The BOLT #11 invoice's expiry (its `x` field). */
    invoiceExpirySeconds: number;
    maxBytes: number;
    /** How long the URL handed to the payer opens the file. */
    linkTtlSeconds: number;
    /** GET /getInvoice per client address and minute. */
    invoicesPerMinute: number;
  };
  adminApiKey: string | undefined;
  /** HMAC secret of signed URLs; unset: generated once and kept in the database. */
  urlSigningSecret: string | undefined;
  signedUrlTtlSeconds: number;
  appTimezone: string;
  corsOrigins: string[];
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  oidc:
    | {
        issuer: string;
        audience: string | undefined;
        jwksUri: string | undefined;
        organizationClaim: string;
      }
    | undefined;
  authFailureLimit: { max: number; windowSeconds: number };
  /**
   * Express's `trust proxy`: which hops may say who the client is (X-Forwarded-For). false: none, the
   * peer's address is the client's; a number: that many proxies in front; addresses/subnets: those proxies.
   */
  trustProxy: boolean | number | string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Every setting, with its default and how it is read. `.env.example` documents the same list. */
export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const read = new EnvReader(env, problems);

  const nodeEnv = read.oneOf('NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const host = read.string('HOST', '0.0.0.0');
  const port = read.integer('PORT', 3000, 0, 65535);
  const publicUrl = read.url('PUBLIC_URL', `http://localhost:${port}`).replace(/\/+$/, '');
  const databaseUrl = read.optionalPostgresUrl('DATABASE_URL');
  const embeddedPostgresPort = read.optionalInteger('EMBEDDED_POSTGRES_PORT', 1, 65535);
  const dataDir = resolve(read.string('DATA_DIR', './data'));
  const storageDriver = read.oneOf('STORAGE_DRIVER', ['local', 's3'] as const, 'local');
  const s3 =
    storageDriver === 's3'
      ? {
          bucket: read.required('S3_BUCKET'),
          region: read.string('S3_REGION', 'us-east-1'),
          endpoint: read.optionalUrl('S3_ENDPOINT'),
          publicEndpoint: read.optionalUrl('S3_PUBLIC_ENDPOINT'),
          forcePathStyle: read.boolean('S3_FORCE_PATH_STYLE', false),
          accessKeyId: read.optionalString('S3_ACCESS_KEY_ID'),
          secretAccessKey: read.optionalString('S3_SECRET_ACCESS_KEY'),
          createBucket: read.boolean('S3_CREATE_BUCKET', false),
        }
      : undefined;
  const uploads = {
    urlTtlSeconds: read.integer('UPLOAD_URL_TTL_SECONDS', 900, 30, 7 * 24 * 3600),
    retentionHours: read.integer('UPLOAD_RETENTION_HOURS', 24, 1, 24 * 365),
    expiryCron: read.string('UPLOAD_EXPIRY_CRON', '*/5 * * * *'),
  };
  const storage = {
    orphanAgeSeconds: read.integer('STORAGE_ORPHAN_AGE_SECONDS', 3600, 60, 30 * 24 * 3600),
    orphanCron: read.string('STORAGE_ORPHAN_CRON', '17 * * * *'),
  };
  const jobs = {
    cronCheckSeconds: read.integer('JOBS_CRON_CHECK_SECONDS', 30, 1, 45),
    maintenanceSeconds: read.integer('JOBS_MAINTENANCE_SECONDS', 30, 1, 3600),
    // Below the 10 s that Docker and Kubernetes grant between SIGTERM and SIGKILL.
    stopTimeoutSeconds: read.integer('JOBS_STOP_TIMEOUT_SECONDS', 8, 1, 3600),
  };
  const idempotency = {
    leaseSeconds: read.integer('IDEMPOTENCY_LEASE_SECONDS', 30, 1, 3600),
  };
  const events = {
    retentionDays: read.integer('EVENTS_RETENTION_DAYS', 30, 1, 3650),
  };
  const webhooks = {
    allowedCidrs: read.cidrList('WEBHOOK_ALLOWED_CIDRS'),
    retryScheduleSeconds: read.secondsList(
      'WEBHOOK_RETRY_SCHEDULE',
      [0, 5, 300, 1800, 7200, 18000, 36000, 36000],
    ),
    timeoutSeconds: read.integer('WEBHOOK_TIMEOUT_SECONDS', 15, 1, 30),
    deliveriesRetentionDays: read.integer('WEBHOOK_DELIVERIES_RETENTION_DAYS', 30, 1, 3650),
  };
  const fixedRates = read.fixedRates('FIXED_RATES');
  const rates = {
    // Unset: the fixed table when there is one (offline development, tests), else Kraken.
    sources: read.rateSources('RATE_SOURCES', fixedRates.length > 0 ? ['fixed'] : ['kraken']),
    fixed: fixedRates,
    krakenUrl: read.optionalUrl('KRAKEN_URL') ?? (nodeEnv === 'test' ? undefined : 'https://api.kraken.com'),
    timeoutSeconds: read.integer('RATE_TIMEOUT_SECONDS', 5, 1, 30),
    cacheSeconds: read.integer('RATE_CACHE_SECONDS', 60, 0, 3600),
  };
  if (rates.sources.includes('fixed') && fixedRates.length === 0) {
    problems.push(
      'RATE_SOURCES lists fixed but FIXED_RATES is empty (e.g. FIXED_RATES=BTC_EUR=60000,EUR_USD=1.08)',
    );
  }
  // Under NODE_ENV=test a network without its URL is not watched: tests never call a real Esplora.
  const esplora = (name: string, fallback: string) =>
    (read.optionalUrl(name) ?? (nodeEnv === 'test' ? undefined : fallback))?.replace(/\/+$/, '');
  const chain = {
    esploraUrls: {
      mainnet: esplora('ESPLORA_URL_MAINNET', 'https://blockstream.info/api'),
      testnet: esplora('ESPLORA_URL_TESTNET', 'https://blockstream.info/testnet/api'),
    },
    pollSeconds: read.integer('CHAIN_POLL_SECONDS', 30, 1, 3600),
  };
  const lightning = readLightning(read, problems);
  const lightningPayments = {
    invoiceExpirySeconds: read.integer('LIGHTNING_INVOICE_EXPIRY_SECONDS', 900, 60, 24 * 3600),
    pollSeconds: read.integer('LIGHTNING_POLL_SECONDS', 5, 1, 3600),
  };
  const payToUploadOrganization = read.optionalString('PAY_TO_UPLOAD_ORGANIZATION_ID');
  if (
    payToUploadOrganization !== undefined &&
    !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(payToUploadOrganization)
  ) {
    problems.push(
      `PAY_TO_UPLOAD_ORGANIZATION_ID must be an organization's id (a UUID), got "${payToUploadOrganization}"`,
    );
  }
  const payToUpload = {
    organizationId: payToUploadOrganization?.toLowerCase(),
    priceSats: read.integer('PAY_TO_UPLOAD_PRICE_SATS', 1000, 1, 100_000_000),
    invoiceExpirySeconds: read.integer('PAY_TO_UPLOAD_INVOICE_EXPIRY_SECONDS', 600, 60, 7 * 24 * 3600),
    maxBytes: read.integer('PAY_TO_UPLOAD_MAX_BYTES', 10 * 1024 * 1024, 1, 100 * 1024 * 1024),
    // S3 presigned URLs live at most 7 days (SigV4).
    linkTtlSeconds: read.integer('PAY_TO_UPLOAD_LINK_TTL', 7 * 24 * 3600, 60, 7 * 24 * 3600),
    invoicesPerMinute: read.integer('PAY_TO_UPLOAD_INVOICES_PER_MINUTE', 10, 1, 100_000),
  };
  const adminApiKey = read.optionalSecret('ADMIN_API_KEY', 32);
  const urlSigningSecret = read.optionalSecret('URL_SIGNING_SECRET', 32);
  const signedUrlTtlSeconds = read.integer('SIGNED_URL_TTL_SECONDS', 300, 10, 7 * 24 * 3600);
  const appTimezone = read.timezone('APP_TIMEZONE', 'Europe/Paris');
  const corsOrigins = read.originList('CORS_ORIGINS');
  const logLevel = read.oneOf(
    'LOG_LEVEL',
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
    nodeEnv === 'test' ? 'silent' : 'info',
  );
  const issuer = read.optionalUrl('OIDC_ISSUER');
  const oidc = issuer
    ? {
        issuer,
        audience: read.optionalString('OIDC_AUDIENCE'),
        jwksUri: read.optionalUrl('OIDC_JWKS_URI'),
        organizationClaim: read.string('OIDC_ORGANIZATION_CLAIM', 'org_id'),
      }
    : undefined;
  const authFailureLimit = {
    max: read.integer('AUTH_FAILURE_LIMIT', 20, 1, 100000),
    windowSeconds: read.integer('AUTH_FAILURE_WINDOW_SECONDS', 60, 1, 86400),
  };
  const trustProxy = read.trustProxy('TRUST_PROXY');

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    nodeEnv,
    host,
    port,
    publicUrl,
    databaseUrl,
    embeddedPostgresPort,
    dataDir,
    storageDriver,
    s3,
    uploads,
    storage,
    jobs,
    idempotency,
    events,
    webhooks,
    rates,
    chain,
    lightning,
    lightningPayments,
    payToUpload,
    adminApiKey,
    urlSigningSecret,
    signedUrlTtlSeconds,
    appTimezone,
    corsOrigins,
    logLevel,
    oidc,
    authFailureLimit,
    trustProxy,
  };
}

/**
 * LIGHTNING_BACKEND, unset: `lnd` when LND_REST_URL is set, else `dev` (signed regtest invoices a
 * developer settles by hand), so that the API works with nothing configured.
 */
function readLightning(read: EnvReader, problems: string[]): LightningConfig {
  const restUrl = read.optionalUrl('LND_REST_URL');
  const backend = read.oneOf('LIGHTNING_BACKEND', LIGHTNING_BACKENDS, restUrl ? 'lnd' : 'dev');
  if (backend !== 'lnd') return { backend };
  const macaroonHex = read.optionalString('LND_MACAROON_HEX');
  const macaroonPath = read.optionalString('LND_MACAROON_PATH');
  const tlsCertPath = read.optionalString('LND_TLS_CERT_PATH');
  const timeoutSeconds = read.integer('LND_TIMEOUT_SECONDS', 10, 1, 120);
  if (!restUrl)
    problems.push('LND_REST_URL is required when LIGHTNING_BACKEND is lnd (e.g. https://127.0.0.1:8080)');
  else if (new URL(restUrl).protocol !== 'https:') {
    problems.push(`LND_REST_URL must be an https URL: LND's REST API is served over TLS, got "${restUrl}"`);
  }
  if ((macaroonHex === undefined) === (macaroonPath === undefined)) {
    problems.push('LIGHTNING_BACKEND=lnd needs exactly one of LND_MACAROON_HEX and LND_MACAROON_PATH');
  } else if (macaroonHex !== undefined && !/^(?:[0-9a-fA-F]{2})+$/.test(macaroonHex)) {
    problems.push('LND_MACAROON_HEX must be the macaroon in hexadecimal (xxd -p -c 10000 invoice.macaroon)');
  }
  return {
    backend,
    lnd: {
      restUrl: (restUrl ?? '').replace(/\/+$/, ''),
      macaroonHex: macaroonHex?.toLowerCase(),
      macaroonPath: macaroonPath === undefined ? undefined : resolve(macaroonPath),
      tlsCertPath: tlsCertPath === undefined ? undefined : resolve(tlsCertPath),
      timeoutSeconds,
    },
  };
}

class EnvReader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  private raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === '' ? undefined : value;
  }

  private fail<T>(name: string, message: string, fallback: T): T {
    this.problems.push(`${name} ${message}`);
    return fallback;
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  required(name: string): string {
    return this.raw(name) ?? this.fail(name, 'is required', '');
  }

  optionalString(name: string): string | undefined {
    return this.raw(name);
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    return this.optionalInteger(name, min, max) ?? fallback;
  }

  optionalInteger(name: string, min: number, max: number): number | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value)) return this.fail(name, `must be a whole number, got "${value}"`, undefined);
    const n = Number(value);
    if (n < min || n > max) return this.fail(name, `must be between ${min} and ${max}, got ${n}`, undefined);
    return n;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['1', 'true', 'yes'].includes(value)) return true;
    if (['0', 'false', 'no'].includes(value)) return false;
    return this.fail(name, `must be true or false, got "${value}"`, fallback);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    return this.fail(name, `must be one of ${allowed.join(', ')}, got "${value}"`, fallback);
  }

  url(name: string, fallback: string): string {
    return this.optionalUrl(name) ?? fallback;
  }

  optionalUrl(name: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    try {
      const url = new URL(value);
      if (url.protocol === 'http:' || url.protocol === 'https:') return value;
    } catch {
      // reported below
    }
    return this.fail(name, `must be an http(s) URL, got "${value}"`, undefined);
  }

  optionalPostgresUrl(name: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    try {
      const url = new URL(value);
      if (url.protocol === 'postgres:' || url.protocol === 'postgresql:') return value;
    } catch {
      // reported below
    }
    return this.fail(name, 'must be a postgres:// or postgresql:// URL', undefined);
  }

  optionalSecret(name: string, minLength: number): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (value.length < minLength || /\s/.test(value)) {
      return this.fail(name, `must be at least ${minLength} characters without spaces`, undefined);
    }
    return value;
  }

  timezone(name: string, fallback: string): string {
    const value = this.raw(name) ?? fallback;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: value });
      return value;
    } catch {
      return this.fail(name, `must be an IANA time zone such as Europe/Paris, got "${value}"`, fallback);
    }
  }

  /** true/false, a hop count, or proxy addresses and subnets (and Express's names such as loopback). */
  trustProxy(name: string): boolean | number | string[] {
    const value = this.raw(name);
    if (value === undefined) return false;
    // A number counts hops (1: the client is whoever the one proxy in front says), so it is read first.
    if (/^\d+$/.test(value)) {
      const hops = Number(value);
      return hops <= 10 ? hops : this.fail(name, `must count at most 10 proxies, got ${hops}`, false);
    }
    if (['true', 'yes', 'false', 'no'].includes(value.toLowerCase())) return this.boolean(name, false);
    const entries = value
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean);
    const bad = entries.filter((e) => !isProxyAddress(e));
    if (bad.length > 0) {
      return this.fail(
        name,
        `must be true, false, a number of proxies, or proxy addresses/subnets (e.g. 10.0.0.0/8,loopback), got "${bad.join(', ')}"`,
        false,
      );
    }
    return entries;
  }

  /** Comma-separated CIDRs (or single addresses), IPv4 or IPv6. */
  cidrList(name: string): string[] {
    const value = this.raw(name);
    if (value === undefined) return [];
    const entries = value
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean);
    const bad = entries.filter((e) => !isCidr(e));
    if (bad.length > 0) {
      return this.fail(name, `must list CIDRs such as 127.0.0.0/8,::1/128, got "${bad.join(', ')}"`, []);
    }
    return entries;
  }

  /** Comma-separated whole seconds (0 to 7 days each), at least one. */
  secondsList(name: string, fallback: number[]): number[] {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const entries = value.split(',').map((e) => e.trim());
    if (entries.some((e) => !/^\d{1,6}$/.test(e) || Number(e) > 7 * 24 * 3600) || entries.length > 50) {
      return this.fail(
        name,
        `must list 1 to 50 delays in whole seconds (at most 7 days each), got "${value}"`,
        fallback,
      );
    }
    return entries.map(Number);
  }

  /** Comma-separated source names, each once, at least one. */
  rateSources(name: string, fallback: RateSourceName[]): RateSourceName[] {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const entries = value.split(',').map((e) => e.trim().toLowerCase());
    const bad = entries.filter((e) => !(RATE_SOURCE_NAMES as readonly string[]).includes(e));
    if (bad.length > 0 || new Set(entries).size !== entries.length) {
      return this.fail(
        name,
        `must list rate sources among ${RATE_SOURCE_NAMES.join(', ')}, each once, in fallback order, got "${value}"`,
        fallback,
      );
    }
    return entries as RateSourceName[];
  }

  /** `BTC_EUR=60000.5,EUR_USD=1.08`: "1 BTC = 60000.5 EUR", "1 EUR = 1.08 USD". */
  fixedRates(name: string): FixedRate[] {
    const value = this.raw(name);
    if (value === undefined) return [];
    const rates: FixedRate[] = [];
    const seen = new Set<string>();
    for (const entry of value.split(',').map((e) => e.trim())) {
      const match = /^([A-Z]{3})_([A-Z]{3})=(\d{1,20}(?:\.\d{1,30})?)$/.exec(entry);
      const problem = !match
        ? 'is not CODE_CODE=decimal (e.g. BTC_EUR=60000.5: a point before decimals, a comma between entries)'
        : !isCurrencyCode(match[1]) || !isCurrencyCode(match[2])
          ? 'names a code that is neither an ISO 4217 currency nor BTC'
          : match[1] === match[2]
            ? 'prices a currency in itself'
            : !/[1-9]/.test(match[3])
              ? 'has a rate of zero'
              : seen.has(`${match[1]}_${match[2]}`) || seen.has(`${match[2]}_${match[1]}`)
                ? 'prices a pair already given (give each pair once, one way)'
                : undefined;
      if (problem) return this.fail(name, `entry "${entry}" ${problem}`, []);
      const [, base, quote, rate] = match!;
      seen.add(`${base}_${quote}`);
      rates.push({ base, quote, rate });
    }
    return rates;
  }

  originList(name: string): string[] {
    const value = this.raw(name);
    if (value === undefined) return [];
    const origins = value
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean);
    for (const origin of origins) {
      let ok: boolean;
      try {
        ok = new URL(origin).origin === origin;
      } catch {
        ok = false;
      }
      if (!ok) this.fail(name, `must list origins such as https://app.example.com, got "${origin}"`, []);
    }
    return origins;
  }
}

function isProxyAddress(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  return isCidr(entry);
}

function isCidr(entry: string): boolean {
  const [address, bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}
