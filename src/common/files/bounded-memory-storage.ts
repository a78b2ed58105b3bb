import { findFormFieldFault, RequestInputError } from '../validation/request-input.js';
import type { Request, Response } from 'express';
import type { RequestHandler } from 'express';
import type { StorageEngine } from 'multer';

/** What `boundedMemoryStorage` leaves on `req.file`: the bytes, or null when there were too many. */
export interface HeldFile {
  content: Buffer | null;
  size: number;
}

/**
 * A multer storage that keeps at most `maxBytes` of a file in memory and marks a larger one as too large
 * (content null) while still reading it to its end, so that the client, still sending, gets a proper
 * answer instead of a reset connection. Pair it with a multer `fileSize` limit a few times larger, past
 * which multer stops reading.
 */
export function boundedMemoryStorage(maxBytes: number): StorageEngine {
  return {
    _handleFile(_req, file, callback) {
      const chunks: Buffer[] = [];
      let size = 0;
      file.stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= maxBytes) chunks.push(chunk);
        else chunks.length = 0;
      });
      file.stream.on('error', callback);
      file.stream.on('end', () => {
        const held: HeldFile = { content: size <= maxBytes ? Buffer.concat(chunks) : null, size };
        callback(null, held);
      });
    },
    _removeFile(_req, _file, callback) {
      callback(null);
    },
  };
}

/**
 * Runs a multer middleware as a promise, its errors mapped by `toError`. A text field that is not
 * Unicode rejects with a RequestInputError, which the RequestInputInterceptor answers in the route's shape.
 */
export function runMulter(
  middleware: RequestHandler,
  req: Request,
  res: Response,
  toError: (err: unknown) => Error,
): Promise<void> {
  return new Promise((resolve, reject) => {
    middleware(req, res, (err: unknown) => {
      if (err) return reject(toError(err));
      const fault = findFormFieldFault((req.body ?? {}) as Record<string, unknown>);
      return fault ? reject(new RequestInputError(fault)) : resolve();
    });
  });
}
