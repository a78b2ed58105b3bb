import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './app-config.js';
import { loadEnvFile } from './env-file.js';

describe('loadEnvFile', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'pieces-env-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (content: string) => {
    const path = join(dir, '.env');
    writeFileSync(path, content);
    return path;
  };

  it('fills what the environment does not set; the real environment wins', () => {
    const env: NodeJS.ProcessEnv = { PORT: '4000', LOG_LEVEL: '' };
    const path = write(
      'PORT=3001\nHOST=127.0.0.1\n# a comment\nUPLOAD_EXPIRY_CRON=*/10 * * * *\nLOG_LEVEL=debug\n',
    );
    expect(loadEnvFile(path, env)).toEqual(['HOST', 'UPLOAD_EXPIRY_CRON']);
    expect(env).toEqual({
      PORT: '4000',
      HOST: '127.0.0.1',
      UPLOAD_EXPIRY_CRON: '*/10 * * * *',
      LOG_LEVEL: '',
    });
    expect(loadConfig(env)).toMatchObject({
      port: 4000,
      host: '127.0.0.1',
      uploads: { expiryCron: '*/10 * * * *' },
    });
  });

  it('leaves empty values out, reads quoted ones, and does nothing without a file', () => {
    const env: NodeJS.ProcessEnv = {};
    expect(
      loadEnvFile(write('DATABASE_URL=\nCORS_ORIGINS="https://a.example, https://b.example"\n'), env),
    ).toEqual(['CORS_ORIGINS']);
    expect(env).toEqual({ CORS_ORIGINS: 'https://a.example, https://b.example' });
    expect(loadEnvFile(join(dir, 'missing.env'), env)).toEqual([]);
  });

  it('says which file it could not read', () => {
    expect(() => loadEnvFile(dir, {})).toThrow(`${dir} could not be read (EISDIR)`);
  });

  it('.env.example, copied to .env, is valid and gives the defaults', () => {
    const env: NodeJS.ProcessEnv = {};
    loadEnvFile(join(process.cwd(), '.env.example'), env);
    expect(loadConfig(env)).toEqual(loadConfig({}));
  });

  it('.env.example lists every setting the app reads', () => {
    const documented = new Set(
      [...readFileSync(join(process.cwd(), '.env.example'), 'utf8').matchAll(/^([A-Z0-9_]+)=/gm)].map(
        (m) => m[1],
      ),
    );
    const read = new Set<string>();
    const spy = (env: Record<string, string>) =>
      new Proxy(env, {
        get: (target, name: string) => {
          read.add(name);
          return target[name];
        },
      });
    // Both branches: the s3 settings and the OIDC ones are read only when their driver is chosen.
    loadConfig(spy({}));
    loadConfig(spy({ STORAGE_DRIVER: 's3', S3_BUCKET: 'b', OIDC_ISSUER: 'https://id.example' }));
    expect([...read].filter((name) => !documented.has(name))).toEqual([]);
  });
});
