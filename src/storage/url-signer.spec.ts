import { UrlSigner } from './url-signer.js';

const SECRET = 'test-secret-with-at-least-32-chars!';
const PATH = '/invoice/2/receipt';
const START = Date.UTC(2021, 5, 28, 9, 24, 53, 500);

/** A signer whose clock the test moves, and a fresh signature for PATH valid for five minutes. */
function setup() {
  const clock = { now: START };
  const signer = new UrlSigner(SECRET, () => clock.now);
  const { query, expiresAt } = signer.sign(PATH, 300);
  const params = new URLSearchParams(query);
  return {
    clock,
    signer,
    expiresAt,
    expires: params.get('expires') as string,
    signature: params.get('signature') as string,
  };
}

/** The same hex string with its first digit changed. */
const flipFirst = (hex: string) => (hex[0] === 'a' ? 'b' : 'a') + hex.slice(1);

describe('UrlSigner', () => {
  describe('sign', () => {
    it('gives expires (whole seconds) and a hex SHA-256 signature', () => {
      const { expires, signature, expiresAt } = setup();
      expect(expires).toBe(String(Math.floor(START / 1000) + 300));
      expect(signature).toMatch(/^[0-9a-f]{64}$/);
      expect(expiresAt).toEqual(new Date(Number(expires) * 1000));
    });

    it('gives the same signature for the same path and expiry, another for another path', () => {
      const signer = new UrlSigner(SECRET, () => START);
      expect(signer.sign(PATH, 300).query).toBe(signer.sign(PATH, 300).query);
      expect(signer.sign(PATH, 300).query).not.toBe(signer.sign('/invoice/3/receipt', 300).query);
    });

    it('gives stable GET URLs: the same for a step, valid for the TTL at least, checked like any other', () => {
      const clock = { now: START };
      const signer = new UrlSigner(SECRET, () => clock.now);
      const first = signer.signStableGet(PATH, 300);
      const params = Object.fromEntries(new URLSearchParams(first));
      expect(Object.keys(params)).toEqual(['expires', 'signature']);
      expect(signer.check(PATH, params)).toBe('valid');
      expect(signer.check(PATH, params, 'PUT')).toBe('invalid');
      const expires = Number(params.expires);
      expect(expires % 60).toBe(0);
      expect(expires).toBeGreaterThanOrEqual(Math.floor(START / 1000) + 300);
      expect(expires).toBeLessThan(Math.floor(START / 1000) + 360);
      // The same signature as sign() gives for that expiry.
      clock.now = expires * 1000 - 300_000;
      expect(signer.sign(PATH, 300).query).toBe(first);

      clock.now = START + 1000;
      expect(signer.signStableGet(PATH, 300)).toBe(first);
      expect(signer.signStableGet('/invoice/3/receipt', 300)).not.toBe(first);
      clock.now = START + 61_000;
      const later = signer.signStableGet(PATH, 300);
      expect(later).not.toBe(first);
      expect(signer.check(PATH, Object.fromEntries(new URLSearchParams(later)))).toBe('valid');
      clock.now = (expires + 1) * 1000;
      expect(signer.check(PATH, params)).toBe('expired');
    });

    it('rounds short TTLs to a fifth of themselves', () => {
      const signer = new UrlSigner(SECRET, () => START);
      const expires = Number(new URLSearchParams(signer.signStableGet(PATH, 10)).get('expires'));
      expect(expires % 2).toBe(0);
      expect(expires - Math.floor(START / 1000)).toBeGreaterThanOrEqual(10);
      expect(expires - Math.floor(START / 1000)).toBeLessThan(12);
    });
  });

  describe('check', () => {
    it('accepts a signature it made', () => {
      const { signer, expires, signature } = setup();
      expect(signer.check(PATH, { expires, signature })).toBe('valid');
    });

    it('refuses the signature for another path', () => {
      const { signer, expires, signature } = setup();
      expect(signer.check('/invoice/3/receipt', { expires, signature })).toBe('invalid');
      expect(signer.check(`${PATH}/`, { expires, signature })).toBe('invalid');
    });

    it('refuses a later expiry than the one signed', () => {
      const { signer, expires, signature } = setup();
      expect(signer.check(PATH, { expires: String(Number(expires) + 1), signature })).toBe('invalid');
      expect(signer.check(PATH, { expires: String(Number(expires) + 86400), signature })).toBe('invalid');
    });

    it('refuses a changed signature', () => {
      const { signer, expires, signature } = setup();
      expect(signer.check(PATH, { expires, signature: flipFirst(signature) })).toBe('invalid');
    });

    it('refuses a signature made with another secret', () => {
      const { expires, signature } = setup();
      const other = new UrlSigner('another-secret-with-at-least-32-chars', () => START);
      expect(other.check(PATH, { expires, signature })).toBe('invalid');
    });

    it('reports expiry once the clock reaches the expiry second', () => {
      const { clock, signer, expires, signature } = setup();
      clock.now = Number(expires) * 1000 - 1;
      expect(signer.check(PATH, { expires, signature })).toBe('valid');
      clock.now = Number(expires) * 1000;
      expect(signer.check(PATH, { expires, signature })).toBe('expired');
      clock.now += 24 * 3600 * 1000;
      expect(signer.check(PATH, { expires, signature })).toBe('expired');
    });

    it('says invalid rather than expired for a tampered signature that has also expired', () => {
      const { clock, signer, expires, signature } = setup();
      clock.now = Number(expires) * 1000 + 1;
      expect(signer.check(PATH, { expires, signature: flipFirst(signature) })).toBe('invalid');
    });

    describe('malformed values', () => {
      it.each([
        ['missing expires', () => undefined],
        ['expires repeated in the query string', (e: string) => [e, e]],
        ['a negative expires', (e: string) => `-${e}`],
        ['a decimal expires', (e: string) => `${e}.0`],
        ['expires with a leading space', (e: string) => ` ${e}`],
        ['an expires of 13 digits', (e: string) => e.padStart(13, '0')],
        ['an empty expires', () => ''],
      ])('refuses %s', (_, tamper: (expires: string) => unknown) => {
        const { signer, expires, signature } = setup();
        expect(signer.check(PATH, { expires: tamper(expires), signature: signature })).toBe('invalid');
      });

      it.each([
        ['a missing signature', () => undefined],
        ['a repeated signature', (s: string) => [s, s]],
        ['an empty signature', () => ''],
        ['a truncated signature', (s: string) => s.slice(0, 62)],
        ['a signature with extra digits', (s: string) => `${s}00`],
        ['non-hex characters', (s: string) => `${s.slice(0, 63)}g`],
      ])('refuses %s', (_, tamper: (signature: string) => unknown) => {
        const { signer, expires, signature } = setup();
        expect(signer.check(PATH, { expires, signature: tamper(signature) })).toBe('invalid');
      });

      it('refuses an upper-case copy of a valid signature', () => {
        const { signer, expires, signature } = setup();
        expect(signer.check(PATH, { expires, signature: signature.toUpperCase() })).toBe('invalid');
      });
    });
  });

  describe('signed parameters and method', () => {
    const signed = () => {
      const signer = new UrlSigner(SECRET, () => START);
      const query = Object.fromEntries(
        new URLSearchParams(signer.sign(PATH, 300, { size: '1024', type: 'application/pdf' }, 'PUT').query),
      );
      return { signer, query };
    };

    it('accepts the parameters and method it signed', () => {
      const { signer, query } = signed();
      expect(query).toMatchObject({ size: '1024', type: 'application/pdf' });
      expect(signer.check(PATH, query, 'PUT')).toBe('valid');
    });

    it('refuses a changed, removed or added parameter', () => {
      const { signer, query } = signed();
      expect(signer.check(PATH, { ...query, size: '1025' }, 'PUT')).toBe('invalid');
      const { type: _type, ...withoutType } = query;
      expect(signer.check(PATH, withoutType, 'PUT')).toBe('invalid');
      expect(signer.check(PATH, { ...query, extra: '1' }, 'PUT')).toBe('invalid');
    });

    it('refuses the signature under another method', () => {
      const { signer, query } = signed();
      expect(signer.check(PATH, query, 'GET')).toBe('invalid');
    });
  });
});
