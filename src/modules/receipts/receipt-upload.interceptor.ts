import { createHash } from 'node:crypto';
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import multer, { MulterError } from 'multer';
import { boundedMemoryStorage, runMulter, type HeldFile } from '../../common/files/bounded-memory-storage.js';
import type { Observable } from 'rxjs';
import { FieldValidationError } from '../../common/errors/domain-error.js';
import { RECEIPT_MAX_BYTES } from './receipt-file.js';
import { RECEIPT_FILE_MESSAGES, type IncomingReceiptFile } from './receipts.service.js';

/**
 * A file larger than the limit is still read to its end (up to this cap) without being kept, so that
 * the 422 can report it together with every other failing field; past the cap multer stops reading.
 */
const DRAIN_CAP_BYTES = 16 * RECEIPT_MAX_BYTES;

const upload = multer({
  storage: boundedMemoryStorage(RECEIPT_MAX_BYTES),
  limits: { fileSize: DRAIN_CAP_BYTES, files: 1, fields: 50, fieldSize: 64 * 1024, parts: 60 },
}).single('receipt');

declare module 'express' {
  interface Request {
    receiptFile?: IncomingReceiptFile;
  }
}

/**
 * Reads a multipart body (seed 002's `receipt` file plus form fields) into `req.body` and
 * `req.receiptFile`. Multer's own errors become seed 002's flat French 422 on `receipt`. JSON bodies
 * pass through untouched.
 */
@Injectable()
export class ReceiptUploadInterceptor implements NestInterceptor {
  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    if (req.is('multipart/form-data')) {
      await runMulter(upload, req, http.getResponse<Response>(), toFieldError);
      const file = req.file as (Express.Multer.File & HeldFile) | undefined;
      if (file) {
        const content = file.content ?? Buffer.alloc(0);
        if (req.header('idempotency-key')) {
          req.idempotencyFingerprint = createHash('sha256').update(content).digest('hex');
        }
        req.receiptFile = {
          originalName: decodeFileName(file.originalname),
          declaredType: file.mimetype,
          content,
          // Reported by the service together with every other failing field.
          tooLarge: file.content === null,
        };
      }
    }
    return next.handle();
  }
}

function toFieldError(err: unknown): FieldValidationError {
  if (!(err instanceof MulterError)) {
    // busboy's parse errors (a truncated or malformed body) are the client's
    return new FieldValidationError({ receipt: 'Le formulaire multipart est mal formé' });
  }
  switch (err.code) {
    case 'LIMIT_FILE_SIZE':
      return new FieldValidationError({ receipt: RECEIPT_FILE_MESSAGES.tooLarge });
    case 'LIMIT_FILE_COUNT':
    case 'LIMIT_UNEXPECTED_FILE':
      return new FieldValidationError({ [err.field ?? 'receipt']: RECEIPT_FILE_MESSAGES.single });
    default:
      return new FieldValidationError({
        [err.field ?? 'receipt']: 'Le formulaire contient trop de champs ou des champs trop longs',
      });
  }
}

/** Browsers send UTF-8 file names that busboy reads as latin1. */
function decodeFileName(name: string): string {
  const utf8 = Buffer.from(name, 'latin1').toString('utf8');
  return utf8.includes('\uFFFD') ? name : utf8;
}
