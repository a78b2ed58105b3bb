import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { isPositive, parseAmount } from './money.js';

/**
 * A decimal amount > 0 given as a string ("1200.50") or a JSON number with at most 2 decimals and 12
 * integer digits. Transform with `@Transform(toAmountString)` first so that the DTO holds a string.
 */
export function IsPositiveAmount(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isPositiveAmount',
      target: target.constructor,
      propertyName,
      options: {
        message: (args: ValidationArguments) =>
          `${args.property} must be a decimal amount greater than 0, with at most 2 decimals and 12 integer digits`,
        ...options,
      },
      validator: {
        validate: (value: unknown) => {
          const parsed = parseAmount(value);
          return 'value' in parsed && isPositive(parsed.value);
        },
      },
    });
}

/** For `@Transform`: a valid amount becomes its normalised string; anything else is left to fail. */
export function toAmountString({ value }: { value: unknown }): unknown {
  const parsed = parseAmount(value);
  return 'value' in parsed ? parsed.value : value;
}
