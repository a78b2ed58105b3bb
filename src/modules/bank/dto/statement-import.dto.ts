import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { DATE_ORDERS, type DateOrder } from '../import/csv-values.js';
import { CSV_DELIMITERS, type CsvDelimiter } from '../import/csv.js';
import {
  STATEMENT_FORMATS,
  type ImportWarningCode,
  type RejectionCode,
  type StatementFormat,
} from '../import/statement.js';

const DELIMITER_NAMES: Record<string, CsvDelimiter> = {
  semicolon: ';',
  comma: ',',
  tab: '\t',
  pipe: '|',
  '\\t': '\t',
};
const COLUMN = 'Header name (case and accents do not matter) or 1-based column number';

const upper = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toUpperCase() : value;
const lower = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;

/** The text fields of the statement upload. Every CSV option is detected when absent. */
export class ImportStatementOptionsDto {
  @ApiPropertyOptional({ enum: STATEMENT_FORMATS, description: 'Default: detected from the content' })
  @IsOptional()
  @Transform(lower)
  @IsIn(STATEMENT_FORMATS)
  format?: StatementFormat;

  @ApiPropertyOptional({ enum: [...CSV_DELIMITERS, 'semicolon', 'comma', 'tab', 'pipe'] })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? (DELIMITER_NAMES[value.toLowerCase()] ?? value) : value,
  )
  @IsIn(CSV_DELIMITERS)
  delimiter?: CsvDelimiter;

  @ApiPropertyOptional({ enum: [',', '.'] })
  @IsOptional()
  @IsIn([',', '.'])
  decimalSeparator?: ',' | '.';

  @ApiPropertyOptional({
    enum: DATE_ORDERS,
    description: 'Any of / - . separates the parts; YY years are 20YY',
  })
  @IsOptional()
  @Transform(upper)
  @IsIn(DATE_ORDERS)
  dateFormat?: DateOrder;

  @ApiPropertyOptional({ description: COLUMN, example: 'Date' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  dateColumn?: string;

  @ApiPropertyOptional({ description: COLUMN, example: 'Date de valeur' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  valueDateColumn?: string;

  @ApiPropertyOptional({ description: COLUMN, example: 'Libellé' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  labelColumn?: string;

  @ApiPropertyOptional({ description: `${COLUMN}; a signed amount`, example: 'Montant' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  amountColumn?: string;

  @ApiPropertyOptional({
    description: `${COLUMN}; with creditColumn, instead of amountColumn`,
    example: 'Débit',
  })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  debitColumn?: string;

  @ApiPropertyOptional({ description: `${COLUMN}; with debitColumn`, example: 'Crédit' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  creditColumn?: string;

  @ApiPropertyOptional({
    description: `${COLUMN}; a running balance, checked against the amounts (see balanceCheck)`,
    example: 'Solde',
  })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  balanceColumn?: string;
}

export class ImportStatementMultipartDto extends ImportStatementOptionsDto {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description: 'CSV, OFX (1.x SGML or 2.x XML) or camt.053 XML; at most 5 MiB',
  })
  file: unknown;
}

export class StatementRejectionDto {
  @ApiProperty({ example: 12, description: 'Line of the file' })
  line: number;

  @ApiProperty({
    example: 'INVALID_DATE',
    enum: [
      'INVALID_DATE',
      'INVALID_AMOUNT',
      'MISSING_AMOUNT',
      'ZERO_AMOUNT',
      'DEBIT_AND_CREDIT',
      'FIELD_COUNT',
      'NOT_BOOKED',
      'OTHER_CURRENCY',
      'OTHER_ACCOUNT',
    ],
  })
  code: RejectionCode;

  @ApiProperty({ example: '"31/02/2024" is not a DD/MM/YYYY date' })
  message: string;
}

export class StatementBalanceCheckDto {
  @ApiProperty({
    type: 'string',
    nullable: true,
    example: '8515.10',
    description:
      'Booked balance before the first line, as the file states it (camt.053 OPBD, else PRCD; a CSV ' +
      'opening-balance line, or the first running balance less its amount). Null when the file states ' +
      'none: OFX never does (its LEDGERBAL is the closing balance), so an OFX import checks nothing.',
  })
  opening: string | null;

  @ApiProperty({
    type: 'string',
    nullable: true,
    example: '9624.62',
    description:
      'Booked balance after the last line, as the file states it (camt.053 CLBD, OFX LEDGERBAL, a CSV ' +
      'closing-balance line or the last running balance)',
  })
  closing: string | null;

  @ApiProperty({
    type: 'string',
    nullable: true,
    example: '9624.62',
    description:
      'opening + every line read from the statement (already-known lines included, unreadable ones not), ' +
      'in exact decimals. Null without an opening',
  })
  computed: string | null;

  @ApiProperty({
    type: 'boolean',
    nullable: true,
    example: true,
    description:
      'computed = closing. false is also a BALANCE_MISMATCH warning; the lines are imported all the same ' +
      '(they are what the bank wrote; the mismatch points at a missing or rejected line). Null when ' +
      'opening or closing is unknown. A file of several statements for the account is checked as a whole ' +
      '(first opening, last closing) and each statement must balance on its own',
  })
  ok: boolean | null;
}

export class StatementImportWarningDto {
  @ApiProperty({ enum: ['NO_OPERATION', 'BALANCE_MISMATCH'], example: 'NO_OPERATION' })
  code: ImportWarningCode;

  @ApiProperty({ example: 'The file holds no operation: it was read, and nothing was imported' })
  message: string;
}

export class StatementImportReportDto {
  @ApiProperty({ enum: STATEMENT_FORMATS })
  format: StatementFormat;

  @ApiProperty({ example: 7, description: 'New bank operations' })
  created: number;

  @ApiProperty({
    example: 1,
    description:
      'Pending lines confirmed by a statement line (same account and amount, dates ≤ 5 days apart)',
  })
  confirmed: number;

  @ApiProperty({ example: 0, description: 'Lines already known (imported before, or twice in the file)' })
  skipped: number;

  @ApiProperty({ example: 0, description: 'Lines that could not be imported' })
  rejected: number;

  @ApiProperty({ type: [StatementRejectionDto], description: 'Why, for the first 100 rejected lines' })
  rejections: StatementRejectionDto[];

  @ApiProperty({
    type: [String],
    format: 'uuid',
    example: ['0d9c1a52-6a43-4a0e-9d38-3d6b6f1f7e21'],
    description: 'Ids of the bank operations created',
  })
  createdIds: string[];

  @ApiProperty({
    type: [String],
    format: 'uuid',
    example: [],
    description: 'Ids of the pending lines confirmed (they keep their id and become statement lines)',
  })
  confirmedIds: string[];

  @ApiProperty({
    type: StatementBalanceCheckDto,
    nullable: true,
    description: 'Whether the lines add up to the balances the file states; null when it states none',
  })
  balanceCheck: StatementBalanceCheckDto | null;

  @ApiProperty({
    type: [StatementImportWarningDto],
    description:
      'NO_OPERATION: the file holds no line at all (a header only); BALANCE_MISMATCH: see balanceCheck',
  })
  warnings: StatementImportWarningDto[];
}
