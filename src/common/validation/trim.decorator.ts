import { Transform } from 'class-transformer';

/** Trims a string before it is validated, so that "   " fails a minimum length like "" does. */
export const Trim = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));
