import type { IncomingMessage } from 'node:http';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { findJsonFault, findUrlEncodedFault, RequestInputError, type InputFault } from './request-input.js';

declare module 'express' {
  interface Request {
    /** What the body parsers refused; the RequestInputInterceptor answers it in the route's shape. */
    inputFault?: InputFault;
  }
}

const LIMIT = '1mb';

/**
 * The JSON and urlencoded parsers, with the input limits checked on the raw bytes before any parse.
 * A refused body is not an error of the middleware: it is noted on the request (body left empty) so that
 * the route, once known, answers it in its own error shape (seed 002's flat map or the envelope).
 */
export function bodyParsers(): RequestHandler[] {
  return [
    keepFault(
      express.json({
        limit: LIMIT,
        verify: (_req: IncomingMessage, _res, body: Buffer, encoding: string) => {
          // RFC 8259 §8.1: JSON between systems is UTF-8; other charsets would escape the byte checks.
          if (!['utf-8', 'utf8'].includes(encoding.toLowerCase())) throw unsupportedCharset(encoding);
          const fault = findJsonFault(body);
          if (fault) throw new RequestInputError(fault);
        },
      }),
    ),
    keepFault(
      express.urlencoded({
        extended: false,
        limit: LIMIT,
        verify: (_req: IncomingMessage, _res, body: Buffer) => {
          const fault = findUrlEncodedFault(body.toString('latin1'), 'body');
          if (fault) throw new RequestInputError(fault);
        },
      }),
    ),
  ];
}

function keepFault(parser: RequestHandler): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) =>
    parser(req, res, (err?: unknown) => {
      if (err instanceof RequestInputError) {
        req.body = undefined;
        req.inputFault = err.fault;
        next();
        return;
      }
      next(err);
    });
}

function unsupportedCharset(encoding: string): Error {
  return Object.assign(new Error(`unsupported charset "${encoding.toUpperCase()}": send JSON as UTF-8`), {
    status: 415,
    expose: true,
    type: 'charset.unsupported',
  });
}
