import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/page-query.dto.js';
import { IsCalendarDate, IsSignedAmount } from '../../../common/validation/bank-values.decorators.js';
import { Trim } from '../../../common/validation/trim.decorator.js';
import {
  MANUAL_JUSTIFICATION_STATES,
  type ManualJustificationState,
} from '../../bank/bank-operation.entity.js';
import { AFFECTATION_ORIGINS, type AffectationOrigin } from '../affectation.entity.js';
import { DEFAULT_AUTO_MATCH_THRESHOLD } from '../score-match.js';

const MAX_INT = 2_147_483_647;

export class CreateAffectationDto {
  @ApiProperty({ example: 2, description: 'The receipt (seed 002 `id`)' })
  @IsInt()
  @Min(1)
  @Max(MAX_INT)
  receiptId: number;

  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  bankOperationId: string;

  @ApiPropertyOptional({
    type: String,
    example: '64.90',
    description:
      "What the receipt justifies, > 0, 2 decimals. Default: the receipt's TTC amount. At most that, and at most " +
      'what is left to justify on the operation.',
  })
  @IsOptional()
  @IsSignedAmount({ positive: true })
  amount?: string | number;
}

export class ListAffectationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  bankOperationId?: string;

  @ApiPropertyOptional({ example: 2 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_INT)
  receiptId?: number;
}

export class AffectationDto {
  @ApiProperty({ example: 7 })
  id: number;

  @ApiProperty({ example: 2 })
  receiptId: number;

  @ApiProperty({ format: 'uuid' })
  bankOperationId: string;

  @ApiProperty({ example: '64.90' })
  amount: string;

  @ApiProperty({ enum: AFFECTATION_ORIGINS, description: 'Made by a person, or by an auto-match run' })
  origin: AffectationOrigin;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class AffectationPageDto {
  @ApiProperty({ type: [AffectationDto] })
  data: AffectationDto[];

  @ApiProperty()
  has_more: boolean;

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page' })
  next_cursor: string | null;
}

export class SetJustificationDto {
  @ApiProperty({ enum: MANUAL_JUSTIFICATION_STATES })
  @IsIn(MANUAL_JUSTIFICATION_STATES)
  state: ManualJustificationState;

  @ApiProperty({ example: 'Virement entre nos deux comptes', minLength: 1, maxLength: 1000 })
  @Trim()
  @IsString()
  @Length(1, 1000)
  comment: string;
}

export class SuggestionsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 50, default: 10 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  limit?: number;
}

export class AutoMatchDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only this account' })
  @IsOptional()
  @IsUUID('all')
  bankAccountId?: string;

  @ApiPropertyOptional({ example: '2024-01-01' })
  @IsOptional()
  @IsCalendarDate()
  dateFrom?: string;

  @ApiPropertyOptional({ example: '2024-03-31' })
  @IsOptional()
  @IsCalendarDate()
  dateTo?: string;

  @ApiPropertyOptional({
    minimum: 50,
    maximum: 100,
    default: DEFAULT_AUTO_MATCH_THRESHOLD,
    description: 'Lowest score affected',
  })
  @IsOptional()
  @IsInt()
  @Min(50)
  @Max(100)
  threshold?: number;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 500,
    default: 200,
    description: 'Lines examined, oldest first',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ default: false, description: 'Report what would be affected, affect nothing' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}
