import { DomainError } from '../../common/errors/domain-error.js';

/** Why one source could not price one pair. */
export interface SourceFailure {
  source: string;
  reason: string;
}

/**
 * No source could price a pair: nothing is made at a stale or invented rate. The message names the pair
 * and what each source said, so an operator sees at once whether Kraken is down or a table is missing.
 */
export const rateUnavailable = (failures: ReadonlyMap<string, SourceFailure[]>) => {
  const pairs = [...failures.keys()];
  const said = [...failures]
    .map(([pair, tried]) => `${pair}: ${tried.map((f) => `${f.source} ${f.reason}`).join('; ')}`)
    .join(' | ');
  return new DomainError(
    'unavailable',
    'RATE_UNAVAILABLE',
    `No exchange rate for ${pairs.join(', ')} (${said})`,
    pairs.map((pair) => ({ pair, sources: failures.get(pair) })),
  );
};

export const invalidCurrencyPair = (base: unknown, quote: unknown) =>
  new DomainError(
    'unprocessable',
    'VALIDATION_FAILED',
    `A rate is asked between two currency codes such as BTC and EUR, got ${String(base)} and ${String(quote)}`,
  );
