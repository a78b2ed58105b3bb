import type { Affectation } from './affectation.entity.js';
import type { AffectationDto } from './dto/affectation.dto.js';
import type { SuggestionDto } from './dto/suggestion.dto.js';
import type { Suggestion } from './suggestions.service.js';

export function presentAffectation(affectation: Affectation): AffectationDto {
  return {
    id: affectation.id,
    receiptId: affectation.receiptId,
    bankOperationId: affectation.bankOperationId,
    amount: affectation.amount,
    origin: affectation.origin,
    createdAt: affectation.createdAt.toISOString(),
  };
}

export function presentSuggestion(suggestion: Suggestion): SuggestionDto {
  const { receipt } = suggestion;
  return {
    receiptId: receipt.id,
    score: suggestion.score,
    fits: suggestion.fits,
    reasons: suggestion.reasons,
    receipt: {
      id: receipt.id,
      label: receipt.label,
      reference: receipt.reference,
      type: receipt.type,
      amountWithVat: receipt.amountWithVat,
      operationDate: receipt.operationDate.toISOString(),
    },
  };
}
