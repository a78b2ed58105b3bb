import { createHash } from 'node:crypto';
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import multer, { MulterError, type StorageEngine } from 'multer';
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
/**
 * A larger file is read on (without being kept) up to this cap, so that the client, still sending, gets the
 * 413 instead of a reset connection; past the cap multer stops reading.
 */
const DRAIN_CAP_BYTES = 4 * STATEMENT_MAX_BYTES;

interface HeldFile {
  content: Buffer | null;
  size: number;
}

/** Keeps at most STATEMENT_MAX_BYTES in memory; marks anything larger as too large (content null). */
const boundedMemoryStorage: StorageEngine = {
  _handleFile(_req, file, callback) {
    const chunks: Buffer[] = [];
    let size = 0;
    file.stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= STATEMENT_MAX_BYTES) chunks.push(chunk);
      else chunks.length = 0;
    });
    file.stream.on('error', callback);
    file.stream.on('end', () => {
      const held: HeldFile = { content: size <= STATEMENT_MAX_BYTES ? Buffer.concat(chunks) : null, size };
      callback(null, held);
    });
  },
  _removeFile(_req, _file, callback) {
    callback(null);
  },
};

const upload = multer({
  storage: boundedMemoryStorage,
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
    await new Promise<void>((resolve, reject) => {
      upload(req, http.getResponse<Response>(), (err: unknown) =>
        err ? reject(toDomainError(err)) : resolve(),
      );
    });
    const file = req.file as (Express.Multer.File & HeldFile) | undefined;
    if (!file) throw statementFileRequired();
    if (file.content === null) throw statementTooLarge(STATEMENT_MAX_BYTES);
    if (file.content.length === 0) throw statementFileEmpty();
    req.statementFile = file.content;
    req.idempotencyFingerprint = createHash('sha256').update(file.content).digest('hex');
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
