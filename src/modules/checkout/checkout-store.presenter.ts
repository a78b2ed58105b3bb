import type { StoreWithUsage } from './checkout-stores.service.js';
import type { StoreDto, StoreWithSecretDto } from './dto/store.dto.js';
import { consecutiveUnpaid, storeWarnings } from './gap-limit.js';

/** Never the callback secret: it is shown once, by presentStoreWithSecret. */
export function presentStore({ store: s, usage }: StoreWithUsage): StoreDto {
  return {
    id: s.id,
    name: s.name,
    currency: s.currency,
    derivationScheme: s.derivationScheme,
    addressType: s.addressType,
    network: s.network,
    callbackUrl: s.callbackUrl,
    confirmations: s.confirmations,
    expirationMinutes: s.expirationMinutes,
    monitoringMinutes: s.monitoringMinutes,
    paymentTolerancePercent: Number(s.paymentTolerancePercent).toFixed(2),
    successRedirectUrl: s.successRedirectUrl,
    errorRedirectUrl: s.errorRedirectUrl,
    addressesIssued: usage.issued,
    consecutiveUnpaid: consecutiveUnpaid(usage),
    warnings: storeWarnings(usage),
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

export function presentStoreWithSecret(current: StoreWithUsage): StoreWithSecretDto {
  return { ...presentStore(current), callbackSecret: current.store.callbackSecret };
}
