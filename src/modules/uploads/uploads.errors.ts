import { DomainError } from '../../common/errors/domain-error.js';

export const uploadNotFound = () => new DomainError('not_found', 'UPLOAD_NOT_FOUND', 'Upload not found');

export const unsupportedType = (allowedTypes: readonly string[]) =>
  new DomainError(
    'unsupported_media_type',
    'UNSUPPORTED_FILE_TYPE',
    `Allowed types: ${allowedTypes.join(', ')}`,
    {
      allowedTypes,
    },
  );

export const notUploadedYet = () =>
  new DomainError('conflict', 'UPLOAD_INCOMPLETE', 'No file has been uploaded to the presigned URL yet');

export const uploadRejected = (code: string, message: string) =>
  new DomainError('unprocessable', code, message);

export const notConfirmed = () =>
  new DomainError('conflict', 'UPLOAD_NOT_CONFIRMED', 'Confirm the upload (with its sha256) first');

export const alreadyAttached = () =>
  new DomainError('conflict', 'UPLOAD_ATTACHED', 'This upload is already attached');

export const checksumDiffers = () =>
  new DomainError('unprocessable', 'CHECKSUM_MISMATCH', 'This upload was confirmed with another sha256');
