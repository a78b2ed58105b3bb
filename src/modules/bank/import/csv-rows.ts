import type { DecimalSeparator } from './csv-values.js';
import type { Rejection } from './statement.js';

export interface Row {
  cells: string[];
  /** 1-based line of the file where the record starts. */
  line: number;
}

/**
 * Whether a data row of a CSV can be trusted to hold its amounts in the right cells: a row whose field
 * count differs from the header's, an amount visibly split at its thousands separator, or a last line
 * cut inside its amount is refused with why. Returns, per row, the rejection or null.
 */
export function rowChecker(file: {
  text: string;
  header: string[] | null;
  data: Row[];
  delimiter: string;
  decimal: DecimalSeparator;
  amountColumns: number[];
  balanceColumn: number | undefined;
  /** The non-empty cells of the amount columns, to learn how the file writes amounts. */
  amounts: string[];
}): (row: Row) => { code: Rejection['code']; message: string } | null {
  const fits = fieldCount(file.header, file.data);
  // Whether this file writes its amounts with decimals: then a bare "-1" before a "234.00" was cut.
  const amountsHaveDecimals =
    file.amounts.filter((c) => c.includes(file.decimal)).length * 2 > file.amounts.length;
  const splitsAmounts = file.delimiter === (file.decimal === ',' ? '.' : ',') && amountsHaveDecimals;
  const lastRow = /[\r\n]\s*$/.test(file.text) ? undefined : file.data[file.data.length - 1];
  return (row) => {
    const width = fits(row.cells);
    if (width !== null) {
      const hint = file.delimiter === ',' ? ', such as "1,234.00"' : '';
      return {
        code: 'FIELD_COUNT',
        message: `${row.cells.length} fields where the header has ${width} (a delimiter inside an unquoted value${hint}?)`,
      };
    }
    const cut = splitsAmounts ? cutAmount(row, file.amountColumns) : null;
    if (cut) {
      return {
        code: 'INVALID_AMOUNT',
        message: `"${cut[0]}" then "${cut[1]}": an amount cut at its thousands separator? Quote it`,
      };
    }
    const end =
      row === lastRow
        ? endsInCutAmount(row, [...file.amountColumns, file.balanceColumn], file.amounts)
        : null;
    if (end !== null) {
      return {
        code: 'INVALID_AMOUNT',
        message: `the file ends inside this line, at "${end}": it looks cut short`,
      };
    }
    return null;
  };
}

/**
 * Checks each data row's number of fields against the header's (or, with no header, the most common
 * one): an unquoted delimiter inside a value shifts every column after it, so that row's amount would be
 * read from the wrong column. A trailing delimiter (empty cells past the header's) and empty header cells
 * at the end are tolerated. Returns, per row, null when it fits, else the expected number.
 */
function fieldCount(header: string[] | null, data: Row[]): (cells: string[]) => number | null {
  let width: number;
  if (header) {
    width = header.length;
  } else {
    const counts = new Map<number, number>();
    for (const r of data) counts.set(r.cells.length, (counts.get(r.cells.length) ?? 0) + 1);
    width = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 0;
  }
  let named = width;
  while (header && named > 0 && header[named - 1] === '') named--;
  return (cells) => (cells.length >= named && cells.slice(width).every((c) => c === '') ? null : named);
}

/**
 * `-1,234.00` unquoted in a comma-separated file, where the field count happens to fit (an empty column
 * swallowed the extra field): the amount cell is 1 to 3 digits and the next cell 3 digits with decimals.
 * Returns the two cells, or null.
 */
function cutAmount(row: Row, amountColumns: number[]): [string, string] | null {
  for (const c of amountColumns) {
    const head = row.cells[c] ?? '';
    const tail = row.cells[c + 1] ?? '';
    if (/^[-+(]?\d{1,3}$/.test(head) && /^\d{3}[.,]\d{1,2}\)?-?$/.test(tail)) return [head, tail];
  }
  return null;
}

/**
 * A file that stops without a line break may have been cut inside its last amount ("1 234,56" → "1 2"
 * or "1 234,5"): when the last line ends in an amount column whose cell lacks the two decimals most of
 * the file's amounts have, returns that cell; else null.
 */
function endsInCutAmount(row: Row, amountColumns: (number | undefined)[], amounts: string[]): string | null {
  const twoDecimals = (c: string) => /[.,]\d{2}\)?-?\s*(?:€|EUR)?$/i.test(c);
  if (amounts.filter(twoDecimals).length * 2 <= amounts.length) return null;
  let last = row.cells.length - 1;
  while (last > 0 && row.cells[last].trim() === '') last--;
  const tail = row.cells[last].trim();
  return amountColumns.includes(last) && !twoDecimals(tail) ? tail : null;
}
