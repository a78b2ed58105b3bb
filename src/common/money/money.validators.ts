import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { isCurrencyCode, MAX_MINOR_UNITS, minorUnits } from './currency.js';
import { isPositive, MAX_INTEGER_DIGITS, parseAmount, parseMoney } from './money.js';

/**
 * A decimal amount > 0 given as a string ("1200.50") or a JSON number, with at most 12 integer digits.
 * Transform with `@Transform(toAmountString)` first so that the DTO holds a string. With
 * `currencyField`, the decimals allowed are that currency's (none for JPY, 3 for KWD, 8 for BTC); while
 * that field is no currency, the amount is checked against the largest scale only, so that the answer
 * names the currency rather than both.
 */
export function IsPositiveAmount(options?: ValidationOptions & { currencyField?: string }) {
  const currencyOf = (args: ValidationArguments): string | undefined => {
    const value = options?.currencyField
      ? (args.object as Record<string, unknown>)[options.currencyField]
      : undefined;
    return isCurrencyCode(value) ? value : undefined;
  };
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isPositiveAmount',
      target: target.constructor,
      propertyName,
      options: {
        message: (args: ValidationArguments) =>
          amountMessage(args.property, currencyOf(args), options?.currencyField ? MAX_MINOR_UNITS : 2),
        ...options,
      },
      validator: {
        validate: (value: unknown, args: ValidationArguments) => {
          const currency = currencyOf(args);
          const parsed = currency
            ? parseMoney(value, currency)
            : parseAmount(value, { maxFractionDigits: options?.currencyField ? MAX_MINOR_UNITS : 2 });
          return 'value' in parsed && isPositive(parsed.value);
        },
      },
    });
}

/** Says what the field takes, in the currency's terms when it is known. */
export function amountMessage(field: string, currency?: string, digitsWithoutCurrency = 2): string {
  if (!currency) {
    return `${field} must be a decimal amount greater than 0 with at most ${digitsWithoutCurrency} decimals and ${MAX_INTEGER_DIGITS} integer digits`;
  }
  const digits = minorUnits(currency);
  if (digits === 0) {
    return `${field} must be a whole number of ${currency} greater than 0 (${currency} has no decimals), with at most ${MAX_INTEGER_DIGITS} digits`;
  }
  return `${field} must be a decimal amount greater than 0 with at most ${digits} decimals in ${currency} and ${MAX_INTEGER_DIGITS} integer digits`;
}

/**
 * For `@Transform`: a valid amount becomes its normalised string (a JSON number its shortest exact form);
 * anything else is left to fail. Its scale is checked once the currency is known.
 */
export function toAmountString({ value }: { value: unknown }): unknown {
  const parsed = parseAmount(value, { maxFractionDigits: MAX_MINOR_UNITS });
  return 'value' in parsed ? parsed.value : value;
}

/** An active ISO 4217 code (or BTC), upper case: currency.ts. */
export function IsCurrencyCode(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isCurrencyCode',
      target: target.constructor,
      propertyName,
      options: {
        message: `${propertyName} must be an active ISO 4217 currency code such as EUR, or BTC`,
        ...options,
      },
      validator: { validate: (value: unknown) => isCurrencyCode(value) },
    });
}
