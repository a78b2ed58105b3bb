import { Injectable } from '@nestjs/common';
import type { PaymentRequestCheckoutDto, PaymentRequestDto } from './dto/payment-request.dto.js';

/** The sections other modules add to the canonical resource, by name. */
export interface PaymentRequestSections {
  /** Set by the checkout module for a seed 003 invoice. */
  checkout: PaymentRequestCheckoutDto;
}

type SectionLoader<K extends keyof PaymentRequestSections> = (
  organizationId: string,
  ids: string[],
) => Promise<Map<string, PaymentRequestSections[K]>>;

/**
 * What a payment method knows of a request beyond its charges (a checkout invoice's address, BTC paid,
 * paid late…), shown on the canonical resource. The method registers a loader (at module init); the
 * payment-requests module stays unaware of the methods' tables. One query per loader per page.
 */
@Injectable()
export class PaymentRequestDetails {
  private readonly loaders = new Map<keyof PaymentRequestSections, SectionLoader<never>>();

  register<K extends keyof PaymentRequestSections>(name: K, loader: SectionLoader<K>): void {
    if (this.loaders.has(name)) throw new Error(`payment request section ${name} is registered twice`);
    this.loaders.set(name, loader as SectionLoader<never>);
  }

  async attach<T extends PaymentRequestDto | PaymentRequestDto[]>(
    organizationId: string,
    dtos: T,
  ): Promise<T> {
    const list = Array.isArray(dtos) ? dtos : [dtos];
    if (list.length === 0) return dtos;
    const ids = list.map((d) => d.id);
    for (const [name, loader] of this.loaders) {
      const found = (await loader(organizationId, ids)) as Map<string, PaymentRequestSections[typeof name]>;
      for (const dto of list) {
        const section = found.get(dto.id);
        if (section) dto[name] = section;
      }
    }
    return dtos;
  }
}
