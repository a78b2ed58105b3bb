import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { IsCalendarDate, IsSignedAmount } from '../../../common/validation/bank-values.decorators.js';
import { Trim } from '../../../common/validation/trim.decorator.js';
import {
  BANK_OPERATION_SOURCES,
  JUSTIFICATION_STATES,
  type BankOperationSource,
  type JustificationState,
} from '../bank-operation.entity.js';
import { PageQueryDto } from '../../../common/pagination/page-query.dto.js';

const AMOUNT = 'Signed decimal string, 2 decimals: a debit is negative';

export class CreateBankOperationDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  bankAccountId: string;

  @ApiProperty({ example: '2024-03-02', description: 'Booking date (or expected), YYYY-MM-DD' })
  @IsCalendarDate()
  date: string;

  @ApiPropertyOptional({ example: '2024-03-02', description: 'YYYY-MM-DD' })
  @IsOptional()
  @IsCalendarDate()
  valueDate?: string;

  @ApiProperty({ example: 'CB TOTALENERGIES 02/03', minLength: 1, maxLength: 500 })
  @Trim()
  @IsString()
  @Length(1, 500)
  label: string;

  @ApiProperty({ type: String, example: '-64.90', description: `${AMOUNT}; not zero` })
  @IsSignedAmount({ nonZero: true })
  amount: string | number;
}

/** No examples on the filters: Swagger UI's Try it out would prefill and send them, narrowing the list. */
export class ListBankOperationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  bankAccountId?: string;

  @ApiPropertyOptional({ description: 'From this day, included (YYYY-MM-DD)' })
  @IsOptional()
  @IsCalendarDate()
  dateFrom?: string;

  @ApiPropertyOptional({ description: 'To this day, included (YYYY-MM-DD)' })
  @IsOptional()
  @IsCalendarDate()
  dateTo?: string;

  @ApiPropertyOptional({ description: 'Signed amount at least this (debits are negative), e.g. -100.00' })
  @IsOptional()
  @IsSignedAmount()
  amountMin?: string;

  @ApiPropertyOptional({ description: 'Signed amount at most this, e.g. -10.00' })
  @IsOptional()
  @IsSignedAmount()
  amountMax?: string;

  @ApiPropertyOptional({ description: 'Text found in the label (case-insensitive)', maxLength: 100 })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 100)
  q?: string;

  @ApiPropertyOptional({ enum: BANK_OPERATION_SOURCES })
  @IsOptional()
  @IsIn(BANK_OPERATION_SOURCES)
  source?: BankOperationSource;

  @ApiPropertyOptional({ enum: JUSTIFICATION_STATES })
  @IsOptional()
  @IsIn(JUSTIFICATION_STATES)
  justification?: JustificationState;
}

export class BankOperationDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  bankAccountId: string;

  @ApiProperty({ enum: BANK_OPERATION_SOURCES, description: '`pending` ("EN COURS") or `statement`' })
  source: BankOperationSource;

  @ApiProperty({ example: '2024-03-04', description: 'Booking date, YYYY-MM-DD' })
  date: string;

  @ApiProperty({ type: String, nullable: true, example: '2024-03-04' })
  valueDate: string | null;

  @ApiProperty({ example: 'CB TOTALENERGIES 02/03 CARTE 4974XXXXXXXX1234' })
  label: string;

  @ApiProperty({ example: '-64.90', description: AMOUNT })
  amount: string;

  @ApiProperty({ type: String, nullable: true, description: 'De-duplication key of an imported line' })
  externalId: string | null;

  @ApiProperty({
    enum: JUSTIFICATION_STATES,
    description:
      '`missing`, `partial`, `justified` from the affectations; `not_needed` or `receipt_lost` when set by a person',
  })
  justification: JustificationState;

  @ApiProperty({ example: '64.90', description: 'Sum of the affectations, ≥ 0' })
  justifiedAmount: string;

  @ApiProperty({ example: '0.00', description: '|amount| − justifiedAmount, ≥ 0' })
  missingAmount: string;

  @ApiProperty({ type: String, nullable: true, description: 'Why `not_needed` or `receipt_lost` was set' })
  justificationComment: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When a statement line confirmed this pending line',
  })
  confirmedAt: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class BankOperationPageDto {
  @ApiProperty({ type: [BankOperationDto] })
  data: BankOperationDto[];

  @ApiProperty()
  has_more: boolean;

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page' })
  next_cursor: string | null;
}
