import { judgeAddress, parseAddress, parseAllowedCidrs, parseCidr } from './webhook-address.js';

const none: never[] = [];

describe('judgeAddress (SSRF guard)', () => {
  it.each([
    '0.0.0.0',
    '10.0.0.1',
    '100.64.0.1',
    '100.127.255.255',
    '127.0.0.1',
    '127.255.255.254',
    '169.254.169.254',
    '172.16.0.1',
    '172.31.255.255',
    '192.0.0.8',
    '192.0.2.1',
    '192.168.1.1',
    '198.18.0.1',
    '224.0.0.1',
    '239.255.255.250',
    '255.255.255.255',
    '::',
    '::1',
    '[::1]',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:169.254.169.254',
    '::ffff:a00:1',
    '::127.0.0.1',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    'fe80::1%eth0',
    'ff02::1',
    '2001:db8::1',
    '2002:7f00:1::1',
    '2001::1',
    '64:ff9b::7f00:1',
    '100::1',
    'not-an-ip',
    'localhost',
    '',
  ])('refuses %s', (address) => {
    expect(judgeAddress(address, none)).toBe('refused');
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.215.14',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
  ])('accepts the public address %s', (address) => {
    expect(judgeAddress(address, none)).toBe('public');
  });

  it('accepts a refused range when configured, and only that range', () => {
    const { cidrs, invalid } = parseAllowedCidrs(['127.0.0.0/8', '::1/128']);
    expect(invalid).toEqual([]);
    expect(judgeAddress('127.0.0.1', cidrs)).toBe('allowed');
    expect(judgeAddress('::ffff:127.0.0.1', cidrs)).toBe('allowed');
    expect(judgeAddress('::1', cidrs)).toBe('allowed');
    expect(judgeAddress('10.0.0.1', cidrs)).toBe('refused');
    expect(judgeAddress('169.254.169.254', cidrs)).toBe('refused');
    expect(judgeAddress('8.8.8.8', cidrs)).toBe('public');
  });

  it('parses CIDRs and refuses malformed ones', () => {
    expect(parseCidr('10.1.2.3/8')).toEqual({ family: 4, base: 0x0a000000n, bits: 8 });
    expect(parseCidr('::1')).toEqual({ family: 6, base: 1n, bits: 128 });
    expect(parseAllowedCidrs(['10.0.0.0/33', '1.2.3/8', 'x', '::/129', '10.0.0.0/a']).invalid).toHaveLength(
      5,
    );
  });

  it('reads IPv6 in every notation the same', () => {
    expect(parseAddress('0:0:0:0:0:0:0:1')).toEqual(parseAddress('::1'));
    expect(parseAddress('::ffff:7f00:1')).toEqual({ family: 4, value: 0x7f000001n });
    expect(parseAddress('0:0:0:0:0:ffff:127.0.0.1')).toEqual({ family: 4, value: 0x7f000001n });
    expect(parseAddress('2001:db8::')).toEqual({ family: 6, value: 0x20010db8n << 96n });
  });
});
