import { getFrom, startForwardingProxy, type ForwardingProxy } from '../support/forwarding-proxy.js';
import { createOrganization, createTestApp, type TestApp, type TestOrganization } from '../test-app.js';

/**
 * The auth-failure limiter behind a forwarding proxy: the clients reach the app only through a proxy
 * on 127.0.0.1 that appends their address to X-Forwarded-For, each from its own loopback address.
 */
describe('auth: failure limiting behind a forwarding proxy', () => {
  const LIMITED = { AUTH_FAILURE_LIMIT: '3', AUTH_FAILURE_WINDOW_SECONDS: '60' };
  const ALICE = '127.0.0.2';
  const BOB = '127.0.0.3';
  let t: TestApp | undefined;
  let proxy: ForwardingProxy | undefined;
  let org: TestOrganization;

  async function start(env: Record<string, string>): Promise<void> {
    t = await createTestApp({ ...LIMITED, ...env }, { listen: true });
    org = await createOrganization(t);
    proxy = await startForwardingProxy(t.config.publicUrl);
  }
  afterEach(async () => {
    await proxy?.close();
    await t?.close();
    proxy = undefined;
    t = undefined;
  });

  const get = (from: string, key: string, headers: Record<string, string> = {}) =>
    getFrom(from, `${proxy?.url}/invoice`, { Authorization: `Bearer ${key}`, ...headers });

  async function failThrice(from: string): Promise<void> {
    for (let i = 0; i < 3; i++) expect((await get(from, `pk_wrong_guess_${i}`)).status).toBe(401);
  }

  function expectLimited(res: { status: number; headers: Record<string, unknown>; body: { code?: string } }) {
    expect({ status: res.status, code: res.body.code }).toEqual({
      status: 429,
      code: 'TOO_MANY_AUTH_FAILURES',
    });
    const retryAfter = Number(res.headers['retry-after']);
    expect(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 60).toBe(true);
  }

  it('with TRUST_PROXY=1, tells the clients apart, and a forged X-Forwarded-For does not help', async () => {
    await start({ TRUST_PROXY: '1' });
    await failThrice(ALICE);
    expectLimited(await get(ALICE, 'pk_wrong_again'));
    // The proxy appends the real address: claiming another one in front of it changes nothing.
    expectLimited(await get(ALICE, 'pk_wrong_again', { 'X-Forwarded-For': '198.51.100.9' }));
    expect((await get(BOB, 'pk_wrong_bob')).status).toBe(401);
    expect((await get(ALICE, org.key)).status).toBe(200);
    expect((await get(BOB, org.key)).status).toBe(200);
  });

  it("without TRUST_PROXY, sees one client (the proxy) but never refuses a valid key for others' failures", async () => {
    await start({});
    await failThrice(ALICE);
    // Everyone behind the proxy shares its address: Bob's wrong key is refused with Alice's count...
    expectLimited(await get(BOB, 'pk_wrong_bob'));
    // ...but a valid key passes, from either of them, every time.
    for (let i = 0; i < 5; i++) {
      expect((await get(BOB, org.key)).status).toBe(200);
      expect((await get(ALICE, org.key)).status).toBe(200);
    }
  });

  it('counts guesses at a real key against that key: the others at the address keep their 401s', async () => {
    await start({ TRUST_PROXY: '1' });
    const other = await createOrganization(t as TestApp, 'Other');
    // Same shown prefix as the organization's key, wrong rest: a guess at that key.
    const guess = (i: number) => `${org.key.slice(0, 11)}${'x'.repeat(40)}${i}`;
    for (let i = 0; i < 3; i++) expect((await get(ALICE, guess(i))).status).toBe(401);
    expectLimited(await get(ALICE, guess(3)));
    // The address's other failures have their own count, and every valid key passes.
    expect((await get(ALICE, 'pk_unrelated_typo')).status).toBe(401);
    expect((await get(ALICE, other.key)).status).toBe(200);
    expect((await get(ALICE, org.key)).status).toBe(200);
  });
});
