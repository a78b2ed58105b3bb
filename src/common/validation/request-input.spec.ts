import {
  findFormFieldFault,
  findJsonFault,
  findUrlEncodedFault,
  isWellFormed,
  MAX_JSON_DEPTH,
} from './request-input.js';

const json = (text: string) => Buffer.from(text, 'utf8');
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('findJsonFault', () => {
  it('passes ordinary JSON, escapes and surrogate pairs included', () => {
    expect(
      findJsonFault(json('{"a": [1, {"b": "x\\"[[[{"}], "c": "é 😀 \\ud83d\\ude00 \\u00e9"}')),
    ).toBeUndefined();
  });

  it(`passes ${MAX_JSON_DEPTH} levels and refuses one more, naming the top-level field`, () => {
    expect(findJsonFault(json(`{"name": ${nested(MAX_JSON_DEPTH - 1)}}`))).toBeUndefined();
    expect(findJsonFault(json(`{"name": ${nested(MAX_JSON_DEPTH)}}`))).toEqual({
      field: 'name',
      problem: 'too_deep',
    });
  });

  it("refuses the issue's 3000-deep payload in one scan", () => {
    const body = json(`{"name":${nested(3000)}}`);
    expect(findJsonFault(body)).toEqual({ field: 'name', problem: 'too_deep' });
  });

  it('names the body when the top level is an array, and ignores brackets inside strings', () => {
    expect(findJsonFault(json(nested(40)))).toEqual({ field: 'body', problem: 'too_deep' });
    expect(findJsonFault(json(`{"a": "${'['.repeat(100)}"}`))).toBeUndefined();
  });

  it('names the field being read, not the last string value seen', () => {
    expect(findJsonFault(json(`{"a": "x", "b": {"c": ${nested(40)}}}`))).toEqual({
      field: 'b',
      problem: 'too_deep',
    });
  });

  it.each([
    ['a lone high surrogate', '{"customerEmail": "\\ud800"}', 'customerEmail'],
    ['a lone low surrogate', '{"customerEmail": "a\\uDC00b"}', 'customerEmail'],
    ['a high surrogate before another escape', '{"x": "\\ud800\\n"}', 'x'],
    ['two high surrogates', '{"x": "\\ud800\\ud800\\udc00"}', 'x'],
    ['a high surrogate closing the string', '{"x": 1, "y": ["ok", "\\ud83d"]}', 'y'],
    ['a lone surrogate in a key', '{"a": 1, "\\ud800": 2}', 'body'],
  ])('refuses %s', (_what, text, field) => {
    expect(findJsonFault(json(text))).toEqual({ field, problem: 'invalid_unicode' });
  });

  it.each([
    ['a byte 0xFF', [0xff]],
    ['a UTF-8 encoded surrogate (CESU-8)', [0xed, 0xa0, 0x80]],
    ['a truncated sequence', [0xc3]],
    ['an overlong encoding', [0xc0, 0xaf]],
  ])('refuses raw bytes that are not UTF-8: %s, naming their field', (_what, bytes) => {
    const body = Buffer.concat([json('{"label": "ok", "comment": "é'), Buffer.from(bytes), json('"}')]);
    expect(findJsonFault(body)).toEqual({ field: 'comment', problem: 'invalid_unicode' });
  });
});

describe('findUrlEncodedFault', () => {
  it('passes ordinary and UTF-8 escapes, and malformed escapes left as text', () => {
    expect(findUrlEncodedFault('q=caf%C3%A9&r=%F0%9F%98%80&s=100%&t=%zz&u=a+b', 'query')).toBeUndefined();
  });

  it.each([
    ['q=%FF', 'q'],
    ['limit=1&q=%ED%A0%80', 'q'],
    ['%C3=1', 'query'],
  ])('refuses %s', (raw, field) => {
    expect(findUrlEncodedFault(raw, 'query')).toEqual({ field, problem: 'invalid_unicode' });
  });
});

describe('findFormFieldFault', () => {
  it('passes ordinary fields', () => {
    expect(findFormFieldFault({ label: 'Café', tags: ['a', 'b'] })).toBeUndefined();
  });

  it('refuses what a decoder leaves of invalid bytes, and lone surrogates', () => {
    expect(findFormFieldFault({ label: 'ok', comment: 'bad \uFFFD' })).toEqual({
      field: 'comment',
      problem: 'invalid_unicode',
    });
    expect(findFormFieldFault({ tags: ['ok', '\ud800'] })).toEqual({
      field: 'tags',
      problem: 'invalid_unicode',
    });
  });
});

describe('isWellFormed', () => {
  it('tells lone surrogates from pairs', () => {
    expect(isWellFormed('a😀b')).toBe(true);
    expect(isWellFormed('\ud800')).toBe(false);
    expect(isWellFormed('\udc00\ud800')).toBe(false);
  });
});
