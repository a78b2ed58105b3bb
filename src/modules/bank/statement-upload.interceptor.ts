import { createHash } from 'node:crypto';
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import multer, { MulterError } from 'multer';
import { boundedMemoryStorage, runMulter, type HeldFile } from '../../common/files/bounded-memory-storage.js';
import type { Observable } from 'rxjs';
import type { DomainError } from '../../common/errors/domain-error.js';
import {
  malformedMultipart,
  multipartRequired,
  statementFileEmpty,
  statementFileRequired,
  statementTooLarge,
} from './bank.errors.js';

export const STATEMENT_MAX_BYTES = 5 * 1_048_576;
/** A larger file is read on (not kept) up to this cap so that the client gets its 413; see boundedMemoryStorage. */
const DRAIN_CAP_BYTES = 4 * STATEMENT_MAX_BYTES;

const upload = multer({
  storage: boundedMemoryStorage(STATEMENT_MAX_BYTES),
  limits: { fileSize: DRAIN_CAP_BYTES, files: 1, fields: 20, fieldSize: 1024, parts: 22 },
}).single('file');

declare module 'express' {
  interface Request {
    statementFile?: Buffer;
  }
}

/** Reads the statement upload (multipart field `file` plus option fields) into `req.statementFile` and `req.body`. */
@Injectable()
export class StatementUploadInterceptor implements NestInterceptor {
  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    if (!req.is('multipart/form-data')) throw multipartRequired();
    await runMulter(upload, req, http.getResponse<Response>(), toDomainError);
    const file = req.file as (Express.Multer.File & HeldFile) | undefined;
    if (!file) throw statementFileRequired();
    if (file.content === null) throw statementTooLarge(STATEMENT_MAX_BYTES);
    if (file.content.length === 0) throw statementFileEmpty();
    req.statementFile = file.content;
    if (req.header('idempotency-key')) {
      req.idempotencyFingerprint = createHash('sha256').update(file.content).digest('hex');
    }
    return next.handle();
  }
}

function toDomainError(err: unknown): DomainError {
  if (!(err instanceof MulterError)) return malformedMultipart('the body could not be read');
  switch (err.code) {
    case 'LIMIT_FILE_SIZE':
      return statementTooLarge(STATEMENT_MAX_BYTES);
    case 'LIMIT_FILE_COUNT':
    case 'LIMIT_UNEXPECTED_FILE':
      return malformedMultipart('send exactly one file, in the field `file`');
    default:
      return malformedMultipart('too many fields, or fields too long');
  }
}
