import { parseCamt053Statement } from './camt053.js';
import { parseCsvStatement, type CsvOptions } from './csv.js';
import { parseOfxStatement } from './ofx.js';
import type { ParsedStatement, StatementFormat } from './statement.js';

export function parseStatement(format: StatementFormat, text: string, csv: CsvOptions): ParsedStatement {
  switch (format) {
    case 'csv':
      return parseCsvStatement(text, csv);
    case 'ofx':
      return parseOfxStatement(text);
    case 'camt053':
      return parseCamt053Statement(text);
  }
}
