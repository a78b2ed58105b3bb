import { resolve } from 'node:path';
import { ConfigError, loadConfig, type AppConfig } from './app-config.js';

const KEY = 'k'.repeat(32);

/** The ConfigError that loadConfig throws for `env`; fails the test when it does not throw one. */
function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  describe('storage', () => {
    it('reads the S3 settings when STORAGE_DRIVER is s3, and requires a bucket', () => {
      expect(problemsOf({ STORAGE_DRIVER: 's3' })).toEqual(['S3_BUCKET is required']);
      expect(
        loadConfig({
          STORAGE_DRIVER: 's3',
          S3_BUCKET: 'pieces',
          S3_ENDPOINT: 'http://127.0.0.1:9000',
          S3_FORCE_PATH_STYLE: 'true',
          S3_ACCESS_KEY_ID: 'id',
          S3_SECRET_ACCESS_KEY: 'secret',
        }).s3,
      ).toEqual({
        bucket: 'pieces',
        region: 'us-east-1',
        endpoint: 'http://127.0.0.1:9000',
        publicEndpoint: undefined,
        forcePathStyle: true,
        accessKeyId: 'id',
        secretAccessKey: 'secret',
        createBucket: false,
      });
      expect(problemsOf({ STORAGE_DRIVER: 'ftp' })[0]).toMatch(/^STORAGE_DRIVER/);
    });
  });

  describe('defaults', () => {
    it('gives a working development configuration for an empty environment', () => {
      expect(loadConfig({})).toEqual<AppConfig>({
        nodeEnv: 'development',
        host: '0.0.0.0',
        port: 3000,
        publicUrl: 'http://localhost:3000',
        databaseUrl: undefined,
        embeddedPostgresPort: undefined,
        dataDir: resolve('./data'),
        storageDriver: 'local',
        s3: undefined,
        uploads: { urlTtlSeconds: 900, retentionHours: 24, expiryCron: '*/5 * * * *' },
        storage: { orphanAgeSeconds: 3600, orphanCron: '17 * * * *' },
        jobs: { cronCheckSeconds: 30, maintenanceSeconds: 30, stopTimeoutSeconds: 8 },
        idempotency: { leaseSeconds: 30 },
        events: { retentionDays: 30 },
        chain: {
          esploraUrls: {
            mainnet: 'https://blockstream.info/api',
            testnet: 'https://blockstream.info/testnet/api',
          },
          pollSeconds: 30,
        },
        webhooks: {
          allowedCidrs: [],
          retryScheduleSeconds: [0, 5, 300, 1800, 7200, 18000, 36000, 36000],
          timeoutSeconds: 15,
          deliveriesRetentionDays: 30,
        },
        rates: {
          sources: ['kraken'],
          fixed: [],
          krakenUrl: 'https://api.kraken.com',
          timeoutSeconds: 5,
          cacheSeconds: 60,
        },
        lightning: { backend: 'dev' },
        lightningPayments: { invoiceExpirySeconds: 900, pollSeconds: 5 },
        payToUpload: {
          organizationId: undefined,
          priceSats: 1000,
          invoiceExpirySeconds: 600,
          maxBytes: 10 * 1024 * 1024,
          linkTtlSeconds: 7 * 24 * 3600,
          invoicesPerMinute: 10,
        },
        adminApiKey: undefined,
        urlSigningSecret: undefined,
        signedUrlTtlSeconds: 300,
        appTimezone: 'Europe/Paris',
        corsOrigins: [],
        logLevel: 'info',
        oidc: undefined,
        authFailureLimit: { max: 20, windowSeconds: 60 },
        trustProxy: false,
      });
    });

    it('treats empty and blank variables as unset', () => {
      expect(loadConfig({ PORT: '', APP_TIMEZONE: '  ', LOG_LEVEL: '' })).toEqual(loadConfig({}));
    });

    it('is silent by default under NODE_ENV=test', () => {
      expect(loadConfig({ NODE_ENV: 'test' }).logLevel).toBe('silent');
    });

    it('derives the public URL from the port', () => {
      expect(loadConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    });
  });

  describe('valid values', () => {
    it('reads each setting', () => {
      const config = loadConfig({
        NODE_ENV: 'production',
        PORT: ' 8080 ',
        PUBLIC_URL: 'https://api.example.com/',
        DATABASE_URL: 'postgresql://app:secret@db:5432/pieces',
        ADMIN_API_KEY: KEY,
        APP_TIMEZONE: 'America/New_York',
        CORS_ORIGINS: 'https://app.example.com, http://localhost:5173',
        LOG_LEVEL: 'debug',
        TRUST_PROXY: 'YES',
        AUTH_FAILURE_LIMIT: '5',
        AUTH_FAILURE_WINDOW_SECONDS: '600',
        WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8, ::1/128,10.1.2.3',
        WEBHOOK_RETRY_SCHEDULE: '0, 1,2',
        WEBHOOK_TIMEOUT_SECONDS: '3',
        ESPLORA_URL_MAINNET: 'https://esplora.example.com/api/',
        ESPLORA_URL_TESTNET: 'http://127.0.0.1:3002/testnet/api',
        CHAIN_POLL_SECONDS: '5',
      });
      expect(config).toMatchObject({
        chain: {
          esploraUrls: {
            mainnet: 'https://esplora.example.com/api',
            testnet: 'http://127.0.0.1:3002/testnet/api',
          },
          pollSeconds: 5,
        },
        webhooks: {
          allowedCidrs: ['127.0.0.0/8', '::1/128', '10.1.2.3'],
          retryScheduleSeconds: [0, 1, 2],
          timeoutSeconds: 3,
        },
        nodeEnv: 'production',
        port: 8080,
        publicUrl: 'https://api.example.com',
        databaseUrl: 'postgresql://app:secret@db:5432/pieces',
        adminApiKey: KEY,
        appTimezone: 'America/New_York',
        corsOrigins: ['https://app.example.com', 'http://localhost:5173'],
        logLevel: 'debug',
        trustProxy: true,
        authFailureLimit: { max: 5, windowSeconds: 600 },
      });
    });

    it('reads TRUST_PROXY as Express does: a switch, a number of proxies, or their addresses', () => {
      expect(loadConfig({}).trustProxy).toBe(false);
      expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
      expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
      expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
      expect(loadConfig({ TRUST_PROXY: '0' }).trustProxy).toBe(0);
      expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,::1,fd00::/8' }).trustProxy).toEqual([
        'loopback',
        '10.0.0.0/8',
        '::1',
        'fd00::/8',
      ]);
    });

    it('accepts the edges of the port range', () => {
      expect(loadConfig({ PORT: '0' }).port).toBe(0);
      expect(loadConfig({ PORT: '65535' }).port).toBe(65535);
    });

    it('accepts postgres:// as well as postgresql://', () => {
      expect(loadConfig({ DATABASE_URL: 'postgres://localhost/db' }).databaseUrl).toBe(
        'postgres://localhost/db',
      );
    });

    it('enables OIDC only when an issuer is set, with its defaults', () => {
      expect(loadConfig({ OIDC_ISSUER: 'https://id.example.com' }).oidc).toEqual({
        issuer: 'https://id.example.com',
        audience: undefined,
        jwksUri: undefined,
        organizationClaim: 'org_id',
      });
    });
  });

  describe('rates', () => {
    it('reads FIXED_RATES as "1 BASE = rate QUOTE" and then uses the table by default', () => {
      const { rates } = loadConfig({ FIXED_RATES: ' BTC_EUR=21885.605 , EUR_USD=1.18' });
      expect(rates.sources).toEqual(['fixed']);
      expect(rates.fixed).toEqual([
        { base: 'BTC', quote: 'EUR', rate: '21885.605' },
        { base: 'EUR', quote: 'USD', rate: '1.18' },
      ]);
    });

    it('takes the sources in the order given, Kraken at KRAKEN_URL', () => {
      const { rates } = loadConfig({
        RATE_SOURCES: 'kraken, fixed',
        FIXED_RATES: 'EUR_BTC=0.000045692133693556',
        KRAKEN_URL: 'http://127.0.0.1:9999',
        RATE_TIMEOUT_SECONDS: '2',
        RATE_CACHE_SECONDS: '0',
      });
      expect(rates).toEqual({
        sources: ['kraken', 'fixed'],
        fixed: [{ base: 'EUR', quote: 'BTC', rate: '0.000045692133693556' }],
        krakenUrl: 'http://127.0.0.1:9999',
        timeoutSeconds: 2,
        cacheSeconds: 0,
      });
    });

    it('never points a test run at the real Kraken', () => {
      expect(loadConfig({ NODE_ENV: 'test' }).rates.krakenUrl).toBeUndefined();
      expect(loadConfig({ NODE_ENV: 'test', KRAKEN_URL: 'http://127.0.0.1:1' }).rates.krakenUrl).toBe(
        'http://127.0.0.1:1',
      );
    });

    it('never points a test run at a real Esplora: a network without its URL is not watched', () => {
      expect(loadConfig({ NODE_ENV: 'test' }).chain.esploraUrls).toEqual({
        mainnet: undefined,
        testnet: undefined,
      });
      expect(
        loadConfig({ NODE_ENV: 'test', ESPLORA_URL_TESTNET: 'http://127.0.0.1:1/api/' }).chain.esploraUrls,
      ).toEqual({ mainnet: undefined, testnet: 'http://127.0.0.1:1/api' });
    });

    it('refuses a bad FIXED_RATES entry with one line naming it', () => {
      const cases: Array<[string, string]> = [
        ['BTC_EUR=21885.605,EUR-USD=1.18', 'entry "EUR-USD=1.18" is not CODE_CODE=decimal'],
        ['BTC_EUR=-5', 'entry "BTC_EUR=-5" is not CODE_CODE=decimal'],
        ['BTC_EUR=1e5', 'entry "BTC_EUR=1e5" is not CODE_CODE=decimal'],
        ['BTC_EUR=', 'entry "BTC_EUR=" is not CODE_CODE=decimal'],
        ['BTC_EUR=0.00', 'entry "BTC_EUR=0.00" has a rate of zero'],
        ['BTC_XYZ=3', 'entry "BTC_XYZ=3" names a code that is neither an ISO 4217 currency nor BTC'],
        ['EUR_EUR=1', 'entry "EUR_EUR=1" prices a currency in itself'],
        ['BTC_EUR=1,EUR_BTC=1', 'entry "EUR_BTC=1" prices a pair already given'],
      ];
      for (const [value, message] of cases) {
        const problems = problemsOf({ FIXED_RATES: value });
        expect(problems).toHaveLength(1);
        expect(problems[0]).toContain(`FIXED_RATES ${message}`);
        expect(problems[0]).not.toContain('\n');
      }
    });

    it('refuses unknown or repeated sources, and fixed without a table', () => {
      expect(problemsOf({ RATE_SOURCES: 'kraken,coingecko' })[0]).toMatch(
        /^RATE_SOURCES must list rate sources/,
      );
      expect(problemsOf({ RATE_SOURCES: 'kraken,kraken' })[0]).toMatch(/^RATE_SOURCES/);
      expect(problemsOf({ RATE_SOURCES: 'fixed' })).toEqual([
        'RATE_SOURCES lists fixed but FIXED_RATES is empty (e.g. FIXED_RATES=BTC_EUR=60000,EUR_USD=1.08)',
      ]);
      expect(problemsOf({ RATE_CACHE_SECONDS: '3601' })[0]).toMatch(/^RATE_CACHE_SECONDS/);
      expect(problemsOf({ KRAKEN_URL: 'ftp://kraken' })[0]).toMatch(/^KRAKEN_URL/);
    });
  });

  describe('lightning', () => {
    it('uses the dev backend when nothing is configured, LND when LND_REST_URL is set', () => {
      expect(loadConfig({}).lightning).toEqual({ backend: 'dev' });
      expect(loadConfig({ LIGHTNING_BACKEND: 'none' }).lightning).toEqual({ backend: 'none' });
      expect(
        loadConfig({
          LND_REST_URL: 'https://127.0.0.1:8080/',
          LND_MACAROON_HEX: '0201AB',
          LND_TLS_CERT_PATH: 'lnd/tls.cert',
        }).lightning,
      ).toEqual({
        backend: 'lnd',
        lnd: {
          restUrl: 'https://127.0.0.1:8080',
          macaroonHex: '0201ab',
          macaroonPath: undefined,
          tlsCertPath: resolve('lnd/tls.cert'),
          timeoutSeconds: 10,
        },
      });
    });

    it('reads the macaroon from a file when asked', () => {
      const { lightning } = loadConfig({
        LIGHTNING_BACKEND: 'lnd',
        LND_REST_URL: 'https://lnd.example:8080',
        LND_MACAROON_PATH: '/secrets/invoice.macaroon',
        LND_TIMEOUT_SECONDS: '3',
      });
      expect(lightning).toMatchObject({
        lnd: { macaroonHex: undefined, macaroonPath: '/secrets/invoice.macaroon', timeoutSeconds: 3 },
      });
    });

    it('refuses an incomplete or unsafe LND configuration', () => {
      expect(problemsOf({ LIGHTNING_BACKEND: 'lnd', LND_MACAROON_HEX: '00' })).toEqual([
        'LND_REST_URL is required when LIGHTNING_BACKEND is lnd (e.g. https://127.0.0.1:8080)',
      ]);
      expect(problemsOf({ LND_REST_URL: 'http://127.0.0.1:8080', LND_MACAROON_HEX: '00' })[0]).toMatch(
        /^LND_REST_URL must be an https URL/,
      );
      expect(problemsOf({ LND_REST_URL: 'https://127.0.0.1:8080' })).toEqual([
        'LIGHTNING_BACKEND=lnd needs exactly one of LND_MACAROON_HEX and LND_MACAROON_PATH',
      ]);
      expect(
        problemsOf({ LND_REST_URL: 'https://127.0.0.1:8080', LND_MACAROON_HEX: '0', LND_MACAROON_PATH: 'm' }),
      ).toHaveLength(1);
      expect(problemsOf({ LND_REST_URL: 'https://127.0.0.1:8080', LND_MACAROON_HEX: 'xyz' })[0]).toMatch(
        /^LND_MACAROON_HEX must be the macaroon in hexadecimal/,
      );
      expect(problemsOf({ LIGHTNING_BACKEND: 'eclair' })[0]).toMatch(
        /^LIGHTNING_BACKEND must be one of dev, lnd, none/,
      );
    });
  });

  describe('invalid values', () => {
    it.each([
      ['PORT', 'abc'],
      ['PORT', '70000'],
      ['PORT', '-1'],
      ['PORT', '80.5'],
      ['DATABASE_URL', 'mysql://x'],
      ['DATABASE_URL', 'not a url'],
      ['APP_TIMEZONE', 'Mars/Base'],
      ['ADMIN_API_KEY', 'too-short'],
      ['ADMIN_API_KEY', `${'k'.repeat(31)} k`],
      ['URL_SIGNING_SECRET', 'too-short'],
      ['CORS_ORIGINS', 'not-a-url'],
      ['CORS_ORIGINS', 'https://app.example.com/'],
      ['CORS_ORIGINS', '*'],
      ['LOG_LEVEL', 'loud'],
      ['NODE_ENV', 'staging'],
      ['PUBLIC_URL', 'ftp://files.example.com'],
      ['OIDC_ISSUER', 'issuer'],
      ['STORAGE_DRIVER', 'ftp'],
      ['UPLOAD_URL_TTL_SECONDS', '5'],
      ['SIGNED_URL_TTL_SECONDS', '5'],
      ['AUTH_FAILURE_LIMIT', '0'],
      ['TRUST_PROXY', 'maybe'],
      ['TRUST_PROXY', '11'],
      ['TRUST_PROXY', '10.0.0.0/33'],
      ['TRUST_PROXY', 'loopback,proxy.example.com'],
      ['WEBHOOK_ALLOWED_CIDRS', '127.0.0.0/33'],
      ['WEBHOOK_ALLOWED_CIDRS', 'loopback'],
      ['WEBHOOK_RETRY_SCHEDULE', '0,5,x'],
      ['WEBHOOK_RETRY_SCHEDULE', '-1'],
      ['WEBHOOK_RETRY_SCHEDULE', '0,,5'],
      ['WEBHOOK_TIMEOUT_SECONDS', '31'],
      ['ESPLORA_URL_MAINNET', 'ftp://esplora.example.com'],
      ['ESPLORA_URL_TESTNET', 'not a url'],
      ['CHAIN_POLL_SECONDS', '0'],
      ['CHAIN_POLL_SECONDS', '30s'],
    ])('refuses %s=%j with a problem naming the variable', (name, value) => {
      const problems = problemsOf({ [name]: value });
      expect(problems).toHaveLength(1);
      expect(problems[0].startsWith(`${name} `)).toBe(true);
    });

    it('reports every bad value at once', () => {
      const problems = problemsOf({
        PORT: 'abc',
        DATABASE_URL: 'mysql://x',
        APP_TIMEZONE: 'Mars/Base',
        ADMIN_API_KEY: 'short',
        CORS_ORIGINS: 'not-a-url',
        LOG_LEVEL: 'loud',
      });
      expect(problems.map((p) => p.split(' ')[0]).sort()).toEqual([
        'ADMIN_API_KEY',
        'APP_TIMEZONE',
        'CORS_ORIGINS',
        'DATABASE_URL',
        'LOG_LEVEL',
        'PORT',
      ]);
    });

    it('lists the problems in the error message', () => {
      expect(() => loadConfig({ PORT: 'abc', LOG_LEVEL: 'loud' })).toThrow(
        /^Invalid configuration:\n {2}- PORT .*\n {2}- LOG_LEVEL /,
      );
    });

    it('does not repeat secrets in its messages', () => {
      const problems = problemsOf({
        DATABASE_URL: 'mysql://app:hunter2@db/pieces',
        ADMIN_API_KEY: 'hunter3',
        URL_SIGNING_SECRET: 'hunter4',
      });
      expect(problems).toHaveLength(3);
      expect(problems.join('\n')).not.toMatch(/hunter/);
    });
  });
});
