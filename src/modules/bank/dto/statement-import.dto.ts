import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { DATE_ORDERS, type DateOrder } from '../import/csv-values.js';
import { CSV_DELIMITERS, type CsvDelimiter } from '../import/csv.js';
import { STATEMENT_FORMATS, type RejectionCode, type StatementFormat } from '../import/statement.js';

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
      'NOT_BOOKED',
      'OTHER_CURRENCY',
      'OTHER_ACCOUNT',
    ],
  })
  code: RejectionCode;

  @ApiProperty({ example: '"31/02/2024" is not a DD/MM/YYYY date' })
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
}
