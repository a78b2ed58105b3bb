import { Inject, Injectable } from '@nestjs/common';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { judgeAddress, parseAllowedCidrs, type Cidr } from './webhook-address.js';

export class AddressNotAllowedError extends Error {
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(`${host} resolves to ${address}, which is not a public address`);
    this.name = 'AddressNotAllowedError';
  }
}

/**
 * The SSRF guard's I/O side: resolves a host and refuses it when any of its addresses may not be
 * reached (webhook-address.ts says which). The delivery connects through `lookup`, so the address
 * checked is the address connected to: a DNS answer cannot change between the check and the connect.
 */
@Injectable()
export class WebhookAddressGuard {
  private readonly allowed: Cidr[];

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.allowed = parseAllowedCidrs(config.webhooks.allowedCidrs).cidrs;
  }

  /** Every address of `host` (an IP literal is its own), or AddressNotAllowedError / the DNS error. */
  async resolve(host: string): Promise<string[]> {
    const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
    if (isIP(bare) !== 0) {
      this.check(host, bare);
      return [bare];
    }
    const addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
      dnsLookup(bare, { all: true }, (err, found) => (err ? reject(err) : resolve(found))),
    );
    for (const { address } of addresses) this.check(host, address);
    return addresses.map((a) => a.address);
  }

  /**
   * For an http(s) Agent: resolves like dns.lookup, and fails the connection when any answer is not
   * allowed (an answer mixing public and internal addresses is a rebinding attempt). Node skips `lookup`
   * for IP literals: the caller checks those with `resolve` first.
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      try {
        for (const { address } of addresses) this.check(hostname, address);
      } catch (e) {
        return callback(e as NodeJS.ErrnoException, '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const [first] = addresses;
      if (!first)
        return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
      return callback(null, first.address, first.family);
    });
  };

  private check(host: string, address: string): void {
    if (judgeAddress(address, this.allowed) === 'refused') throw new AddressNotAllowedError(host, address);
  }
}
