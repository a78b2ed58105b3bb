import { registerDecorator, type ValidationOptions } from 'class-validator';
import { isCalendarDate } from '../dates/calendar-date.js';
import { isZeroAmount, parseSignedAmount } from '../money/money.js';

/** A real calendar day written `YYYY-MM-DD` (2024-02-30 is refused). */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `${String(propertyName)} must be a real day written YYYY-MM-DD`, ...options },
      validator: { validate: (value: unknown) => isCalendarDate(value) },
    });
}

/**
 * A signed decimal amount given as a string ("-45.30", "1200.5") or a JSON number: at most 2 decimals and
 * 12 integer digits; `nonZero` also refuses 0.
 */
export function IsSignedAmount(
  rule: { nonZero?: boolean; positive?: boolean } = {},
  options?: ValidationOptions,
): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isSignedAmount',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: rule.positive
          ? `${String(propertyName)} must be a decimal string > 0 with at most 2 decimals, e.g. "45.30"`
          : `${String(propertyName)} must be a decimal string with at most 2 decimals${rule.nonZero ? ', not zero' : ''}, e.g. "-45.30"`,
        ...options,
      },
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string' && typeof value !== 'number') return false;
          const parsed = parseSignedAmount(value);
          if (!('value' in parsed)) return false;
          if (rule.positive) return !isZeroAmount(parsed.value) && !parsed.value.startsWith('-');
          return !(rule.nonZero && isZeroAmount(parsed.value));
        },
      },
    });
}
