import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { isCurrencyCode, MAX_MINOR_UNITS, minorUnits } from './currency.js';
import { isPositive, parseAmount } from './money.js';

/**
 * A decimal amount > 0 given as a string ("1200.50") or a JSON number with at most 2 decimals and 12
 * integer digits. Transform with `@Transform(toAmountString)` first so that the DTO holds a string.
 * With `currencyField`, the decimals allowed are that currency's minor units (0 for JPY, 3 for KWD).
 */
export function IsPositiveAmount(options?: ValidationOptions & { currencyField?: string }) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isPositiveAmount',
      target: target.constructor,
      propertyName,
      options: {
        message: (args: ValidationArguments) => {
          const currency = options?.currencyField
            ? (args.object as Record<string, unknown>)[options.currencyField]
            : undefined;
          const digits = isCurrencyCode(currency) ? minorUnits(currency) : 2;
          return `${args.property} must be a decimal amount greater than 0, with at most ${digits} decimals${
            isCurrencyCode(currency) ? ` in ${currency}` : ''
          } and 12 integer digits`;
        },
        ...options,
      },
      validator: {
        validate: (value: unknown, args: ValidationArguments) => {
          const currency = options?.currencyField
            ? (args.object as Record<string, unknown>)[options.currencyField]
            : undefined;
          const maxFractionDigits = isCurrencyCode(currency) ? minorUnits(currency) : 2;
          const parsed = parseAmount(value, { maxFractionDigits });
          return 'value' in parsed && isPositive(parsed.value);
        },
      },
    });
}

/** For `@Transform`: a valid amount becomes its normalised string; anything else is left to fail. */
export function toAmountString({ value }: { value: unknown }): unknown {
  const parsed = parseAmount(value, { maxFractionDigits: MAX_MINOR_UNITS });
  return 'value' in parsed ? parsed.value : value;
}

/** An ISO 4217 code the runtime knows, upper case. */
export function IsCurrencyCode(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isCurrencyCode',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be an ISO 4217 currency code such as EUR`, ...options },
      validator: { validate: (value: unknown) => isCurrencyCode(value) },
    });
}
