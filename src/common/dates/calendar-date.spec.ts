import {
  addDays,
  calendarDate,
  calendarDateIn,
  daysBetween,
  isCalendarDate,
  startOfDayIn,
} from './calendar-date.js';

describe('calendar dates', () => {
  it('accepts real days only', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2023-02-29')).toBe(false);
    expect(isCalendarDate('2024-13-01')).toBe(false);
    expect(isCalendarDate('2024-1-01')).toBe(false);
    expect(isCalendarDate('1899-12-31')).toBe(false);
    expect(isCalendarDate('2024-01-01T00:00:00Z')).toBe(false);
    expect(isCalendarDate(20240101)).toBe(false);
  });

  it('builds a date from parts, or null', () => {
    expect(calendarDate(2024, 3, 5)).toBe('2024-03-05');
    expect(calendarDate(2024, 2, 30)).toBeNull();
  });

  it('adds days across months, years and daylight-saving changes', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2024-03-31', -31)).toBe('2024-02-29');
    expect(addDays('2024-03-30', 2)).toBe('2024-04-01');
  });

  it('counts the days between two dates, signed', () => {
    expect(daysBetween('2024-03-01', '2024-03-05')).toBe(4);
    expect(daysBetween('2024-03-05', '2024-03-01')).toBe(-4);
    expect(daysBetween('2024-03-30', '2024-04-01')).toBe(2);
  });

  it('reads and writes days on the wall clock of a time zone', () => {
    expect(calendarDateIn(new Date('2024-03-04T23:30:00Z'), 'Europe/Paris')).toBe('2024-03-05');
    expect(startOfDayIn('2024-07-01', 'Europe/Paris').toISOString()).toBe('2024-06-30T22:00:00.000Z');
    expect(() => startOfDayIn('2024-02-30', 'Europe/Paris')).toThrow();
  });
});
