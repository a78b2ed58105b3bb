import {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  decodeCursor,
  encodeCursor,
  parseCursor,
  parseLimit,
  readCursor,
  type CursorPosition,
} from './cursor.js';

/** A cursor built by hand from any JSON value, as a client forging one would. */
const forge = (json: unknown) => Buffer.from(JSON.stringify(json)).toString('base64url');

describe('encodeCursor / decodeCursor', () => {
  it.each<[string, CursorPosition]>([
    ['a date sort', { sort: '-created_at', value: '2021-06-28T09:24:53.000Z', id: 2 }],
    ['an amount sort', { sort: 'amount', value: '1200.50', id: 17 }],
    ['a numeric value', { sort: 'id', value: 42, id: 42 }],
    ['a null value', { sort: 'operation_date', value: null, id: 3 }],
    ['a string id', { sort: '-id', value: null, id: '6f1c2a9e-0b6d-4a53-9c1e-2f4a8b7d1e00' }],
    ['non-ASCII text', { sort: 'label', value: 'Reçu « été » 😀', id: 1 }],
  ])('gives back the position for %s', (_, position) => {
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it('is URL-safe: base64url without padding', () => {
    const cursor = encodeCursor({ sort: '-created_at', value: 'é?&/+=', id: 1 });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  describe('decodeCursor refuses', () => {
    it.each([
      ['an empty string', ''],
      ['characters outside base64url', 'abc!def'],
      ['the standard base64 characters + and /', 'WyJp+ZCIs/MSwxXQ'],
      ['base64 padding', `${forge(['a', 'b', 1])}=`],
      ['text that is not JSON', Buffer.from('not json').toString('base64url')],
      ['truncated JSON', forge(['a', 'b', 1]).slice(0, 8)],
    ])('%s', (_, cursor) => {
      expect(decodeCursor(cursor)).toBeNull();
    });

    it('a cursor longer than 512 characters, even a well-formed one', () => {
      const long = encodeCursor({ sort: 'label', value: 'x'.repeat(400), id: 1 });
      expect(long.length).toBeGreaterThan(512);
      expect(decodeCursor(long)).toBeNull();
      expect(decodeCursor('A'.repeat(513))).toBeNull();
    });

    it.each([
      ['an object', { sort: 'id', value: 1, id: 1 }],
      ['null', null],
      ['a string', 'id'],
      ['an empty array', []],
      ['two elements', ['id', 1]],
      ['four elements', ['id', 1, 1, 1]],
      ['a non-string sort', [1, 1, 1]],
      ['an object value', ['id', {}, 1]],
      ['a boolean value', ['id', true, 1]],
      ['an array value', ['id', [1], 1]],
      ['a null id', ['id', 1, null]],
      ['a boolean id', ['id', 1, true]],
      ['an object id', ['id', 1, {}]],
    ])('the wrong shape: %s', (_, json) => {
      expect(decodeCursor(forge(json))).toBeNull();
    });
  });
});

describe('parseLimit', () => {
  it(`defaults to ${DEFAULT_PAGE_SIZE} when absent or empty`, () => {
    expect(parseLimit(undefined)).toBe(DEFAULT_PAGE_SIZE);
    expect(parseLimit('')).toBe(DEFAULT_PAGE_SIZE);
  });

  it(`accepts whole numbers from 1 to ${MAX_PAGE_SIZE}`, () => {
    expect(parseLimit('1')).toBe(1);
    expect(parseLimit('50')).toBe(50);
    expect(parseLimit(String(MAX_PAGE_SIZE))).toBe(MAX_PAGE_SIZE);
    expect(parseLimit('007')).toBe(7);
  });

  it.each([
    ['zero', '0'],
    ['zeros', '00'],
    ['one above the maximum', String(MAX_PAGE_SIZE + 1)],
    ['a large number', '1000'],
    ['a negative number', '-1'],
    ['a decimal', '1.5'],
    ['an exponent', '1e2'],
    ['surrounding spaces', ' 5'],
    ['a word', 'all'],
  ])('refuses %s (%j)', (_, raw) => {
    expect(parseLimit(raw)).toBeNull();
  });

  it.each([
    ['a repeated parameter', ['5', '6']],
    ['a number instead of query-string text', 5],
    ['null', null],
  ])('refuses %s', (_, raw) => {
    expect(parseLimit(raw)).toBeNull();
  });
});

describe('parseCursor / readCursor', () => {
  const ID = '6f1c2a9e-0b6d-4a53-9c1e-2f4a8b7d1e00';
  const byDate = { sort: '-created_at', value: 'iso-ms', id: 'uuid' } as const;

  it('gives back a position made for the list, typed by its shape', () => {
    const at = '2026-11-27T10:00:00.123Z';
    expect(readCursor(encodeCursor({ sort: '-created_at', value: at, id: ID }), byDate)).toEqual({
      sort: '-created_at',
      value: at,
      id: ID,
    });
    const shapes = [
      [{ sort: '-date', value: 'date', id: 'uuid' }, '2024-02-29', ID],
      [{ sort: 'amount', value: 'decimal', id: 'int' }, '1200.5', 7],
      [{ sort: '-id', value: 'none', id: 'int' }, null, 2_147_483_647],
      [{ sort: 'id', value: 'ignored', id: 'int' }, 42, 1],
    ] as const;
    for (const [shape, value, id] of shapes) {
      expect(parseCursor(encodeCursor({ sort: shape.sort, value, id }), shape)).toEqual({
        sort: shape.sort,
        value,
        id,
      });
    }
  });

  it.each<[string, string, object]>([
    ['another sort', encodeCursor({ sort: 'created_at', value: '2026-11-27T10:00:00.123Z', id: ID }), byDate],
    ['a timestamp without milliseconds', forge(['-created_at', '2026-11-27T10:00:00Z', ID]), byDate],
    ['a timestamp that does not exist', forge(['-created_at', '2026-02-30T10:00:00.000Z', ID]), byDate],
    ['a number for a timestamp', forge(['-created_at', 1764237600000, ID]), byDate],
    ['an id that is no uuid', forge(['-created_at', '2026-11-27T10:00:00.123Z', 'x']), byDate],
    ['a number id for a uuid', forge(['-created_at', '2026-11-27T10:00:00.123Z', 3]), byDate],
    [
      'a day that does not exist',
      forge(['-date', '2023-02-29', ID]),
      { sort: '-date', value: 'date', id: 'uuid' },
    ],
    [
      'an amount with 3 decimals',
      forge(['amount', '1.005', 1]),
      { sort: 'amount', value: 'decimal', id: 'int' },
    ],
    ['a negative amount', forge(['amount', '-1', 1]), { sort: 'amount', value: 'decimal', id: 'int' }],
    ['a value where none is', forge(['-id', 'x', 1]), { sort: '-id', value: 'none', id: 'int' }],
    ['id 0', forge(['-id', null, 0]), { sort: '-id', value: 'none', id: 'int' }],
    ['an id past int4', forge(['-id', null, 2_147_483_648]), { sort: '-id', value: 'none', id: 'int' }],
    ['a fractional id', forge(['-id', null, 1.5]), { sort: '-id', value: 'none', id: 'int' }],
    ['a string id for an int', forge(['-id', null, '1']), { sort: '-id', value: 'none', id: 'int' }],
    ['garbage', 'not a cursor!', byDate],
  ])('refuses %s: null from parseCursor, 422 INVALID_CURSOR from readCursor', (_, text, shape) => {
    const s = shape as typeof byDate;
    expect(parseCursor(text, s)).toBeNull();
    expect(() => readCursor(text, s)).toThrow(
      expect.objectContaining({ code: 'INVALID_CURSOR', kind: 'unprocessable' }),
    );
  });
});
