import { ApiProperty } from '@nestjs/swagger';
import { BankOperationDto } from '../../bank/dto/bank-operation.dto.js';
import { RECEIPT_TYPES } from '../../receipts/receipt.entity.js';

const REASONS = [
  'AMOUNT_EQUALS_OPERATION',
  'AMOUNT_EQUALS_REMAINING',
  'AMOUNT_CLOSE',
  'AMOUNT_EXCEEDS_REMAINING',
  'DIRECTION_MATCHES',
  'DIRECTION_MISMATCH',
  'DATE_DISTANCE',
  'REFERENCE_IN_LABEL',
  'LABEL_WORDS',
];

export class MatchReasonDto {
  @ApiProperty({ enum: REASONS })
  code: string;

  @ApiProperty({ example: 50, description: 'Points added (or taken, when negative)' })
  points: number;

  @ApiProperty({ example: 'TTC 64.90 = operation 64.90' })
  detail: string;
}

export class SuggestedReceiptDto {
  @ApiProperty({ example: 2 })
  id: number;

  @ApiProperty({ example: 'Carburant' })
  label: string;

  @ApiProperty({ example: 'TE-55812' })
  reference: string;

  @ApiProperty({ enum: RECEIPT_TYPES })
  type: string;

  @ApiProperty({ example: '64.90' })
  amountWithVat: string;

  @ApiProperty({ format: 'date-time' })
  operationDate: string;
}

export class SuggestionDto {
  @ApiProperty({ example: 2 })
  receiptId: number;

  @ApiProperty({ example: 85, description: '0..100' })
  score: number;

  @ApiProperty({
    description: 'Whether its TTC amount fits what is left to justify (an affectation with no amount)',
  })
  fits: boolean;

  @ApiProperty({ type: [MatchReasonDto] })
  reasons: MatchReasonDto[];

  @ApiProperty({ type: SuggestedReceiptDto })
  receipt: SuggestedReceiptDto;
}

export class SuggestionListDto {
  @ApiProperty({ type: BankOperationDto })
  bankOperation: BankOperationDto;

  @ApiProperty({ type: [SuggestionDto], description: 'Best first' })
  data: SuggestionDto[];
}

export class AutoMatchAffectedDto {
  @ApiProperty({ type: Number, nullable: true, description: 'Null in a dry run' })
  affectationId: number | null;

  @ApiProperty({ format: 'uuid' })
  bankOperationId: string;

  @ApiProperty()
  receiptId: number;

  @ApiProperty({ example: '64.90' })
  amount: string;

  @ApiProperty({ example: 85 })
  score: number;
}

export class AutoMatchCandidateDto {
  @ApiProperty()
  receiptId: number;

  @ApiProperty()
  score: number;
}

export class AutoMatchLeftDto {
  @ApiProperty({ format: 'uuid' })
  bankOperationId: string;

  @ApiProperty({
    enum: ['NO_CANDIDATE', 'BELOW_THRESHOLD', 'AMBIGUOUS', 'RECEIPT_CONTESTED', 'CHANGED_MEANWHILE'],
    description:
      'No receipt found; none at the threshold; several at it; its one receipt is also the best for another line; ' +
      'changed by someone else during the run',
  })
  reason: string;

  @ApiProperty({ type: [AutoMatchCandidateDto], description: 'The best three candidates' })
  candidates: AutoMatchCandidateDto[];
}

export class AutoMatchReportDto {
  @ApiProperty({ example: 12, description: 'Lines still to justify that were looked at' })
  examined: number;

  @ApiProperty({ example: 80 })
  threshold: number;

  @ApiProperty()
  dryRun: boolean;

  @ApiProperty({ type: [AutoMatchAffectedDto] })
  affected: AutoMatchAffectedDto[];

  @ApiProperty({ type: [AutoMatchLeftDto] })
  left: AutoMatchLeftDto[];
}
