import { compactLocalDate, formatLocalDateTime, parseLocalDateTime } from './zoned-date.js';

const PARIS = 'Europe/Paris';
const iso = (text: string) => new Date(text);

describe('formatLocalDateTime', () => {
  it('shows the Paris wall clock at +01:00 in winter', () => {
    expect(formatLocalDateTime(iso('2021-01-15T09:00:00Z'), PARIS)).toBe('2021-01-15 10:00:00');
  });

  it('shows the Paris wall clock at +02:00 in summer', () => {
    expect(formatLocalDateTime(iso('2021-06-18T18:21:00Z'), PARIS)).toBe('2021-06-18 20:21:00');
  });

  it('writes midnight as 00, not 24, and moves to the next day and year', () => {
    expect(formatLocalDateTime(iso('2021-12-31T23:00:00Z'), PARIS)).toBe('2022-01-01 00:00:00');
  });

  it('drops milliseconds', () => {
    expect(formatLocalDateTime(iso('2021-06-18T18:21:00.999Z'), PARIS)).toBe('2021-06-18 20:21:00');
  });

  it('jumps from 01:59:59 to 03:00:00 when Paris springs forward', () => {
    expect(formatLocalDateTime(iso('2021-03-28T00:59:59Z'), PARIS)).toBe('2021-03-28 01:59:59');
    expect(formatLocalDateTime(iso('2021-03-28T01:00:00Z'), PARIS)).toBe('2021-03-28 03:00:00');
  });

  it('shows 02:00–02:59 twice when Paris falls back', () => {
    expect(formatLocalDateTime(iso('2021-10-31T00:30:00Z'), PARIS)).toBe('2021-10-31 02:30:00');
    expect(formatLocalDateTime(iso('2021-10-31T01:30:00Z'), PARIS)).toBe('2021-10-31 02:30:00');
  });

  it('uses the zone it is given', () => {
    const noonUtc = iso('2021-06-18T12:00:00Z');
    expect(formatLocalDateTime(noonUtc, 'UTC')).toBe('2021-06-18 12:00:00');
    expect(formatLocalDateTime(noonUtc, 'America/New_York')).toBe('2021-06-18 08:00:00');
    expect(formatLocalDateTime(noonUtc, 'Asia/Kolkata')).toBe('2021-06-18 17:30:00');
  });
});

describe('compactLocalDate', () => {
  it('gives the Paris date as YYYYMMDD', () => {
    expect(compactLocalDate(iso('2021-06-28T09:24:53Z'), PARIS)).toBe('20210628');
  });

  it('takes the date in Paris, not in UTC, around midnight', () => {
    expect(compactLocalDate(iso('2021-06-27T21:59:59Z'), PARIS)).toBe('20210627');
    expect(compactLocalDate(iso('2021-06-27T22:00:00Z'), PARIS)).toBe('20210628');
    expect(compactLocalDate(iso('2021-01-14T23:30:00Z'), PARIS)).toBe('20210115');
  });
});

describe('parseLocalDateTime', () => {
  describe('local wall-clock formats', () => {
    it('reads YYYY-MM-DD HH:mm:ss in winter at +01:00', () => {
      expect(parseLocalDateTime('2021-01-15 10:00:00', PARIS)).toEqual(iso('2021-01-15T09:00:00Z'));
    });

    it('reads YYYY-MM-DD HH:mm:ss in summer at +02:00', () => {
      expect(parseLocalDateTime('2021-06-18 20:21:00', PARIS)).toEqual(iso('2021-06-18T18:21:00Z'));
    });

    it('reads YYYY-MM-DD as local midnight', () => {
      expect(parseLocalDateTime('2021-06-18', PARIS)).toEqual(iso('2021-06-17T22:00:00Z'));
      expect(parseLocalDateTime('2021-01-15', PARIS)).toEqual(iso('2021-01-14T23:00:00Z'));
    });

    it('reads YYYY-MM-DD HH:mm with zero seconds', () => {
      expect(parseLocalDateTime('2021-06-18 20:21', PARIS)).toEqual(iso('2021-06-18T18:21:00Z'));
    });

    it('accepts a T separator without an offset as local time', () => {
      expect(parseLocalDateTime('2021-06-18T20:21:00', PARIS)).toEqual(iso('2021-06-18T18:21:00Z'));
    });

    it('ignores surrounding whitespace', () => {
      expect(parseLocalDateTime('  2021-06-18 20:21:00 ', PARIS)).toEqual(iso('2021-06-18T18:21:00Z'));
    });

    it('accepts 29 February in a leap year', () => {
      expect(parseLocalDateTime('2020-02-29', PARIS)).toEqual(iso('2020-02-28T23:00:00Z'));
    });

    it('interprets the wall clock in the zone it is given', () => {
      expect(parseLocalDateTime('2021-06-18 20:21:00', 'America/New_York')).toEqual(
        iso('2021-06-19T00:21:00Z'),
      );
      expect(parseLocalDateTime('2021-06-18 20:21:00', 'UTC')).toEqual(iso('2021-06-18T20:21:00Z'));
    });
  });

  describe('daylight-saving changes in Paris', () => {
    it('reads the last second before spring-forward at +01:00 and 03:00 after it at +02:00', () => {
      expect(parseLocalDateTime('2021-03-28 01:59:59', PARIS)).toEqual(iso('2021-03-28T00:59:59Z'));
      expect(parseLocalDateTime('2021-03-28 03:00:00', PARIS)).toEqual(iso('2021-03-28T01:00:00Z'));
    });

    it('returns a date, without throwing, for 02:30 on 2021-03-28, which does not exist in Paris', () => {
      expect(parseLocalDateTime('2021-03-28 02:30:00', PARIS)).toBeInstanceOf(Date);
    });

    it('reads an hour that happens twice on 2021-10-31 as one of its two instants', () => {
      const parsed = parseLocalDateTime('2021-10-31 02:30:00', PARIS);
      expect(parsed).toBeInstanceOf(Date);
      expect(['2021-10-31T00:30:00.000Z', '2021-10-31T01:30:00.000Z']).toContain(parsed?.toISOString());
    });

    it('reads the times around fall-back with the right offset', () => {
      expect(parseLocalDateTime('2021-10-31 01:59:59', PARIS)).toEqual(iso('2021-10-30T23:59:59Z'));
      expect(parseLocalDateTime('2021-10-31 03:00:00', PARIS)).toEqual(iso('2021-10-31T02:00:00Z'));
    });
  });

  describe('ISO 8601 with an offset', () => {
    it('reads Z as UTC', () => {
      expect(parseLocalDateTime('2021-06-18T18:21:00Z', PARIS)).toEqual(iso('2021-06-18T18:21:00Z'));
    });

    it('reads an explicit offset, with or without a colon', () => {
      expect(parseLocalDateTime('2021-06-18T20:21:00+02:00', PARIS)).toEqual(iso('2021-06-18T18:21:00Z'));
      expect(parseLocalDateTime('2021-06-18T20:21:00+0200', PARIS)).toEqual(iso('2021-06-18T18:21:00Z'));
      expect(parseLocalDateTime('2021-06-30T23:30:00-05:00', PARIS)).toEqual(iso('2021-07-01T04:30:00Z'));
    });

    it('keeps milliseconds and accepts a lower-case z', () => {
      expect(parseLocalDateTime('2021-06-18T18:21:00.123Z', PARIS)).toEqual(iso('2021-06-18T18:21:00.123Z'));
      expect(parseLocalDateTime('2021-06-18T18:21:00z', PARIS)).toEqual(iso('2021-06-18T18:21:00Z'));
    });

    it('does not depend on the zone it is given', () => {
      expect(parseLocalDateTime('2021-06-18T18:21:00Z', 'America/New_York')).toEqual(
        iso('2021-06-18T18:21:00Z'),
      );
    });

    it('refuses days that Date would roll over into the next month', () => {
      expect(parseLocalDateTime('2021-02-30T10:00:00Z', PARIS)).toBeNull();
      expect(parseLocalDateTime('2021-02-29T10:00:00Z', PARIS)).toBeNull();
      expect(parseLocalDateTime('2021-06-31T10:00:00+02:00', PARIS)).toBeNull();
    });

    it('refuses impossible times and offsets', () => {
      expect(parseLocalDateTime('2021-06-18T25:00:00Z', PARIS)).toBeNull();
      expect(parseLocalDateTime('2021-06-18T20:60:00Z', PARIS)).toBeNull();
      expect(parseLocalDateTime('2021-06-18T20:21:00+99:00', PARIS)).toBeNull();
    });

    it('refuses hour 24 and years outside 1900..2999 in both forms', () => {
      expect(parseLocalDateTime('2021-06-18T24:00:00Z', PARIS)).toBeNull();
      expect(parseLocalDateTime('2021-06-18 24:00:00', PARIS)).toBeNull();
      expect(parseLocalDateTime('1800-01-01T00:00:00Z', PARIS)).toBeNull();
      expect(parseLocalDateTime('1800-01-01', PARIS)).toBeNull();
    });
  });

  describe('impossible dates', () => {
    it.each([
      ['30 February', '2021-02-30'],
      ['29 February outside a leap year', '2021-02-29'],
      ['31 June', '2021-06-31'],
      ['day 0', '2021-06-00'],
      ['month 13', '2021-13-01'],
      ['month 0', '2021-00-10'],
      ['hour 25', '2021-06-18 25:00'],
      ['hour 24', '2021-06-18 24:00:00'],
      ['minute 60', '2021-06-18 23:60'],
      ['second 60', '2021-06-18 20:21:60'],
      ['a year before 1900', '1899-12-31'],
      ['a year after 2999', '3000-01-01'],
    ])('refuses %s (%s)', (_, input) => {
      expect(parseLocalDateTime(input, PARIS)).toBeNull();
    });
  });

  describe('garbage', () => {
    it.each([
      ['a word', 'garbage'],
      ['an empty string', ''],
      ['unpadded month and day', '2021-6-18'],
      ['day first with dashes', '18-06-2021'],
      ['a French date with a one-digit day', '8/06/2021'],
      ['a space before Z', '2021-06-18 20:21:00Z'],
      ['more than microseconds', '2021-06-18T20:21:00.1234567Z'],
      ['an hours-only offset', '2021-06-18T20:21:00+02'],
    ])('refuses %s (%j)', (_, input) => {
      expect(parseLocalDateTime(input, PARIS)).toBeNull();
    });

    it.each([
      ['null', null],
      ['undefined', undefined],
      ['a number', 1624040460000],
      ['a Date', new Date('2021-06-18T18:21:00Z')],
      ['an object', { date: '2021-06-18' }],
    ])('refuses %s, which is not a string', (_, input) => {
      expect(parseLocalDateTime(input, PARIS)).toBeNull();
    });
  });

  describe('round trip', () => {
    it.each([
      '2021-01-15 10:00:00',
      '2021-06-18 20:21:00',
      '2021-06-28 11:24:53',
      '2021-03-28 01:59:59',
      '2021-03-28 03:00:00',
      '2021-10-31 01:59:59',
      '2021-10-31 02:30:00',
      '2021-10-31 03:00:00',
      '2021-12-31 23:59:59',
      '2024-02-29 00:00:00',
    ])('formats %s back to the same text', (text) => {
      const parsed = parseLocalDateTime(text, PARIS);
      expect(parsed).not.toBeNull();
      expect(formatLocalDateTime(parsed as Date, PARIS)).toBe(text);
    });

    it('gives back every half hour of 2021 in Paris after format then parse', () => {
      const mismatches: string[] = [];
      for (let t = Date.UTC(2021, 0, 1); t < Date.UTC(2022, 0, 1); t += 30 * 60 * 1000) {
        const text = formatLocalDateTime(new Date(t), PARIS);
        const parsed = parseLocalDateTime(text, PARIS);
        if (!parsed || formatLocalDateTime(parsed, PARIS) !== text) mismatches.push(text);
      }
      expect(mismatches).toEqual([]);
    });
  });
});

describe('formatLocalDateTime against Intl, instant by instant', () => {
  const reference = (date: Date, timeZone: string) => {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-CA', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      })
        .formatToParts(date)
        .map((p) => [p.type, p.value]),
    );
    return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
  };

  it.each(['Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'UTC'])(
    'matches for 3,000 instants from 1900 to 2100 in %s, and every 7 s around 2021 changes',
    (timeZone) => {
      let seed = 42;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      const from = Date.UTC(1900, 0, 1);
      const to = Date.UTC(2100, 0, 1);
      for (let i = 0; i < 3000; i++) {
        const date = new Date(from + Math.floor(random() * (to - from)));
        expect(formatLocalDateTime(date, timeZone)).toBe(reference(date, timeZone));
      }
      for (const change of [Date.UTC(2021, 2, 28, 1), Date.UTC(2021, 9, 31, 1), Date.UTC(2021, 2, 14, 7)]) {
        for (let t = change - 1800_000; t <= change + 1800_000; t += 7000) {
          expect(formatLocalDateTime(new Date(t), timeZone)).toBe(reference(new Date(t), timeZone));
        }
      }
    },
  );
});

describe('French day-first dates', () => {
  it('reads 18/06/2021 with or without a time, in the wall clock of the zone', () => {
    expect(parseLocalDateTime('18/06/2021 20:21:00', 'Europe/Paris')?.toISOString()).toBe(
      '2021-06-18T18:21:00.000Z',
    );
    expect(parseLocalDateTime('18/06/2021 20:21', 'Europe/Paris')?.toISOString()).toBe(
      '2021-06-18T18:21:00.000Z',
    );
    expect(parseLocalDateTime('18/06/2021', 'Europe/Paris')?.toISOString()).toBe('2021-06-17T22:00:00.000Z');
  });

  it('refuses impossible French dates', () => {
    expect(parseLocalDateTime('30/02/2021', 'Europe/Paris')).toBeNull();
    expect(parseLocalDateTime('18/13/2021', 'Europe/Paris')).toBeNull();
    expect(parseLocalDateTime('06/18/2021', 'Europe/Paris')).toBeNull();
  });
});
