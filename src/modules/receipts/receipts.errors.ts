import { DomainError } from '../../common/errors/domain-error.js';

export const receiptNotFound = () => new DomainError('not_found', 'RECEIPT_NOT_FOUND', 'Pièce introuvable');

export const receiptFileNotFound = () =>
  new DomainError('not_found', 'RECEIPT_FILE_NOT_FOUND', 'Fichier de pièce introuvable');

export const receiptAffected = (affectationId: number) =>
  new DomainError(
    'conflict',
    'RECEIPT_AFFECTED',
    `Cette pièce justifie une opération bancaire (affectation ${affectationId}) : supprimez d'abord l'affectation`,
    { affectationId },
  );
