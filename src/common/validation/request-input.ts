import { isUtf8 } from 'node:buffer';

/**
 * Limits every request's input must meet before any route sees it, checked on the raw bytes so that a
 * hostile body costs one linear scan: no recursion (class-transformer overflows its stack on a few
 * thousand nested arrays) and no parse of what will be refused anyway.
 */
export const MAX_JSON_DEPTH = 32;

export type InputProblem = 'too_deep' | 'invalid_unicode';

/** `field` is the top-level field holding the problem, or `body` / `query` when there is none. */
export interface InputFault {
  field: string;
  problem: InputProblem;
}

/**
 * Raised by the body parsers and multipart readers; the RequestInputInterceptor answers it in the
 * route's own error shape. `status`/`type` make it an http-error for whoever meets it outside a route.
 */
export class RequestInputError extends Error {
  readonly status = 422;
  readonly expose = true;
  readonly type = 'request.input.invalid';

  constructor(readonly fault: InputFault) {
    super(
      fault.problem === 'too_deep'
        ? `${fault.field} is nested deeper than ${MAX_JSON_DEPTH} levels`
        : `${fault.field} is not valid Unicode text (invalid UTF-8 or a lone surrogate)`,
    );
    this.name = 'RequestInputError';
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Finds, in a JSON text (UTF-8 bytes), nesting deeper than `maxDepth`, bytes that are not UTF-8 and
 * `\uD800`-style escapes of a lone surrogate (which JSON.parse accepts and no database text can hold).
 * Malformed JSON is left to JSON.parse to report.
 */
export function findJsonFault(json: Buffer, maxDepth = MAX_JSON_DEPTH): InputFault | undefined {
  if (!isUtf8(json)) return { field: findNonUtf8Field(json), problem: 'invalid_unicode' };
  return scan(json, maxDepth).fault;
}

/** One pass over the bytes: the first fault, and the top-level field the scan ended in. */
function scan(json: Buffer, maxDepth: number): { fault?: InputFault; field: string } {
  let depth = 0;
  let inString = false;
  let stringStart = 0;
  let topIsObject = false;
  /** At depth 1 of an object: past the `:`, so a string read now is a value, not a key. */
  let inValue = false;
  let stringIsKey = false;
  /** Raw text of the last key read at depth 1: the top-level field being read. */
  let topKey: [number, number] | undefined;
  /** A high surrogate escape waiting for its low half. */
  let pendingHigh = false;
  /** Where the next backslash is, looked up once per backslash rather than once per string. */
  let nextBackslash = -1;
  const field = () => topFieldName(json, topIsObject ? topKey : undefined);
  const unicodeFault = () => {
    const at = stringIsKey ? 'body' : field();
    return { fault: { field: at, problem: 'invalid_unicode' as const }, field: at };
  };

  for (let i = 0; i < json.length; i++) {
    const byte = json[i];
    if (inString) {
      // Most of a body is string content: jump to its next quote or backslash natively.
      if (byte !== BACKSLASH && byte !== QUOTE && !pendingHigh) {
        if (nextBackslash < i) nextBackslash = indexOrEnd(json, BACKSLASH, i);
        i = Math.min(indexOrEnd(json, QUOTE, i), nextBackslash) - 1;
        continue;
      }
      if (byte === BACKSLASH) {
        const escaped = json[i + 1];
        if (escaped === 0x75 /* u */) {
          const unit = parseInt(json.toString('latin1', i + 2, i + 6), 16);
          if (unit >= 0xd800 && unit <= 0xdbff) {
            if (pendingHigh) return unicodeFault();
            pendingHigh = true;
          } else if (unit >= 0xdc00 && unit <= 0xdfff) {
            if (!pendingHigh) return unicodeFault();
            pendingHigh = false;
          } else if (pendingHigh) {
            return unicodeFault();
          }
          i += 5;
          continue;
        }
        if (pendingHigh) return unicodeFault();
        i += 1;
        continue;
      }
      if (pendingHigh) return unicodeFault();
      if (byte === QUOTE) {
        inString = false;
        if (stringIsKey) topKey = [stringStart, i + 1];
      }
      continue;
    }
    if (byte === QUOTE) {
      inString = true;
      stringStart = i;
      stringIsKey = depth === 1 && topIsObject && !inValue;
    } else if (byte === 0x5b || byte === 0x7b) {
      if (depth === 0) topIsObject = byte === 0x7b;
      depth += 1;
      if (depth > maxDepth) return { fault: { field: field(), problem: 'too_deep' }, field: field() };
    } else if (byte === 0x5d || byte === 0x7d) {
      depth -= 1;
    } else if (depth === 1 && byte === 0x3a /* : */) {
      inValue = true;
    } else if (depth === 1 && byte === 0x2c /* , */) {
      inValue = false;
    }
  }
  return { field: inString && stringIsKey ? 'body' : field() };
}

function indexOrEnd(json: Buffer, byte: number, from: number): number {
  const at = json.indexOf(byte, from);
  return at === -1 ? json.length : at;
}

function topFieldName(json: Buffer, key: [number, number] | undefined): string {
  if (!key) return 'body';
  try {
    const name: unknown = JSON.parse(json.toString('utf8', key[0], key[1]));
    return typeof name === 'string' && isWellFormed(name) ? name : 'body';
  } catch {
    return 'body';
  }
}

/**
 * The top-level field around the first invalid byte. A prefix cut inside a multi-byte character is not
 * UTF-8 either, so a prefix counts as sound when it is UTF-8 once up to 3 trailing bytes are dropped;
 * a binary search on that finds the fault within 3 bytes, in about 20 native scans.
 */
function findNonUtf8Field(json: Buffer): string {
  const sound = (end: number) =>
    [0, 1, 2, 3].some((cut) => end - cut >= 0 && isUtf8(json.subarray(0, end - cut)));
  let good = 0;
  let bad = json.length;
  while (bad - good > 1) {
    const mid = (good + bad) >>> 1;
    if (sound(mid)) good = mid;
    else bad = mid;
  }
  return scan(json.subarray(0, good), Number.POSITIVE_INFINITY).field;
}

/**
 * Finds, in a raw `a=1&b=2` string (a query string or a urlencoded body), a name or value whose
 * percent-escapes decode to bytes that are not UTF-8 (`%FF`, `%ED%A0%80`): Node's decoders would quietly
 * turn them into U+FFFD.
 */
export function findUrlEncodedFault(raw: string, fallbackField: string): InputFault | undefined {
  for (const pair of raw.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = eq === -1 ? pair : pair.slice(0, eq);
    const value = eq === -1 ? '' : pair.slice(eq + 1);
    if (!isUtf8(percentDecode(name)) || !isUtf8(percentDecode(value))) {
      const decodedName = percentDecode(name);
      return {
        field: isUtf8(decodedName) && decodedName.length > 0 ? decodedName.toString('utf8') : fallbackField,
        problem: 'invalid_unicode',
      };
    }
  }
  return undefined;
}

function percentDecode(text: string): Buffer {
  // Characters outside %XX are taken as the UTF-8 the URL was written in; a malformed escape stays text.
  const bytes: number[] = [];
  const source = Buffer.from(text.replace(/\+/g, ' '), 'utf8');
  for (let i = 0; i < source.length; i++) {
    if (source[i] === 0x25 && isHex(source[i + 1]) && isHex(source[i + 2])) {
      bytes.push(parseInt(String.fromCharCode(source[i + 1], source[i + 2]), 16));
      i += 2;
    } else {
      bytes.push(source[i]);
    }
  }
  return Buffer.from(bytes);
}

function isHex(byte: number | undefined): boolean {
  return (
    byte !== undefined &&
    ((byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66))
  );
}

/**
 * A multipart text field: busboy has already decoded it, so invalid bytes show only as U+FFFD, the
 * replacement character a decoder leaves in their place; a lone surrogate cannot come from UTF-8 but is
 * refused too. Names of the fields at fault, first one first.
 */
export function findFormFieldFault(fields: Record<string, unknown>): InputFault | undefined {
  for (const [name, value] of Object.entries(fields)) {
    const values = Array.isArray(value) ? (value as unknown[]) : [value];
    for (const v of values) {
      if (typeof v === 'string' && (!isWellFormed(v) || v.includes('\uFFFD'))) {
        return { field: isWellFormed(name) ? name : 'body', problem: 'invalid_unicode' };
      }
    }
    if (!isWellFormed(name) || name.includes('\uFFFD')) return { field: 'body', problem: 'invalid_unicode' };
  }
  return undefined;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** String.prototype.isWellFormed, which the TypeScript lib of this project does not declare yet. */
export function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}
