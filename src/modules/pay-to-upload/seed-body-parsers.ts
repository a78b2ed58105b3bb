import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { bodyParsers } from '../../common/validation/body-parsers.js';
import type { SeedFailure } from './pay-to-upload.filter.js';

/** Seed 000's routes, at the root as the seed names them. */
export const PAY_TO_UPLOAD_PATHS = ['/getInvoice', '/getSignedUrl', '/checkUploadedFile'];

/**
 * The app's body parsers for seed 000's paths, mounted before the global ones (app.setup.ts): a body they
 * cannot parse never reaches a route, so it is answered here in the seed's shape (HTTP 200,
 * `{success: false, message}`) instead of the API's error envelope. What they note rather than throw
 * (input faults) reaches the route's interceptor and filter as usual.
 */
export function seedBodyParsers(): RequestHandler[] {
  return bodyParsers().map(
    (parser) => (req: Request, res: Response, next: NextFunction) =>
      parser(req, res, (err?: unknown) => {
        if (err === undefined || err === null) {
          next();
          return;
        }
        const body: SeedFailure = { success: false, message: messageOf(err) };
        res.status(200).json(body);
      }),
  );
}

function messageOf(err: unknown): string {
  const { status, type } = (typeof err === 'object' && err !== null ? err : {}) as {
    status?: unknown;
    type?: unknown;
  };
  if (status === 413) return 'The request body is too large.';
  if (type === 'charset.unsupported') return 'Send JSON encoded as UTF-8.';
  if (type === 'encoding.unsupported') return 'The request body uses an unsupported encoding.';
  return 'The request body is not valid JSON.';
}
