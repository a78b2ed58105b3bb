import { ArgumentsHost, Catch, HttpException, HttpStatus, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { QueryFailedError } from 'typeorm';
import { DomainError, FieldValidationError, type ErrorKind } from './domain-error.js';

export const STATUS_OF_KIND: Record<ErrorKind, number> = {
  bad_request: HttpStatus.BAD_REQUEST,
  unauthenticated: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  too_large: HttpStatus.PAYLOAD_TOO_LARGE,
  unsupported_media_type: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  unprocessable: HttpStatus.UNPROCESSABLE_ENTITY,
  rate_limited: HttpStatus.TOO_MANY_REQUESTS,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

/** Codes for the HTTP errors that Nest, Express and body parsers raise before our code runs. */
const CODE_OF_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'VALIDATION_FAILED',
  429: 'RATE_LIMITED',
};

export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: unknown;
  requestId: string;
}

/**
 * The one place errors become responses: seed 002's flat map, domain errors by kind, HTTP errors with a
 * generic code, and everything else as a 500 that is logged under the request id and leaks nothing.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const requestId = typeof req.id === 'string' || typeof req.id === 'number' ? String(req.id) : '';
    if (res.headersSent) {
      this.logger.error({ err: exception, requestId }, 'error after the response started');
      res.destroy();
      return;
    }

    if (exception instanceof FieldValidationError) {
      res.status(HttpStatus.UNPROCESSABLE_ENTITY).json(exception.fields);
      return;
    }
    const body = this.toBody(exception, requestId);
    if (exception instanceof DomainError && body.statusCode >= 500) {
      // An outage the code foresaw and answers for (a rate source or the Lightning backend down): the
      // service that met it logged the cause; no stack trace, it is not a crash.
      this.logger.warn({ code: body.code, requestId }, exception.message);
    } else if (body.statusCode >= 500) {
      this.logger.error({ err: exception, requestId }, 'unhandled error');
    }
    if (exception instanceof DomainError && exception.kind === 'unauthenticated') {
      res.setHeader('WWW-Authenticate', 'Bearer realm="api"');
    }
    res.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown, requestId: string): ErrorBody {
    if (exception instanceof DomainError) {
      const statusCode = STATUS_OF_KIND[exception.kind];
      return {
        statusCode,
        code: exception.code,
        message: exception.message,
        ...(exception.details === undefined ? {} : { details: exception.details }),
        requestId,
      };
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const response = exception.getResponse();
      let message = exception.message;
      let details: unknown;
      if (typeof response === 'object' && response !== null && 'message' in response) {
        const m: unknown = response.message;
        if (Array.isArray(m)) {
          message = 'Validation failed';
          details = m;
        } else if (typeof m === 'string') {
          message = m;
        }
      }
      if (statusCode >= 500) return internal(requestId);
      return {
        statusCode,
        code: CODE_OF_STATUS[statusCode] ?? 'HTTP_ERROR',
        message,
        ...(details === undefined ? {} : { details }),
        requestId,
      };
    }
    const fromDatabase = databaseInputError(exception, requestId);
    if (fromDatabase) {
      this.logger.warn({ err: exception, requestId }, 'database refused a value that validation let through');
      return fromDatabase;
    }
    // Errors thrown by Express's body parsers carry a status (e.g. 400 for invalid JSON, 413 too large).
    const status = bodyParserStatus(exception);
    if (status !== undefined) {
      return {
        statusCode: status,
        code: status === 413 ? 'PAYLOAD_TOO_LARGE' : 'MALFORMED_BODY',
        message: status === 413 ? 'Request body too large' : 'Malformed request body',
        requestId,
      };
    }
    return internal(requestId);
  }
}

function internal(requestId: string): ErrorBody {
  return { statusCode: 500, code: 'INTERNAL_ERROR', message: 'Internal server error', requestId };
}

function bodyParserStatus(exception: unknown): number | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const { status, type } = exception as { status?: unknown; type?: unknown };
  if (typeof status === 'number' && status >= 400 && status < 500 && typeof type === 'string') return status;
  return undefined;
}

/**
 * A safety net behind validation: PostgreSQL refusing a value (class 22: bad text, date or number;
 * 23505: a unique value taken by a concurrent request) is the client's input, not a server fault.
 * Logged, so that the validation that should have caught it gets written.
 */
function databaseInputError(exception: unknown, requestId: string): ErrorBody | undefined {
  if (!(exception instanceof QueryFailedError)) return undefined;
  const code = (exception.driverError as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string') return undefined;
  if (code.startsWith('22')) {
    return {
      statusCode: 400,
      code: 'INVALID_INPUT',
      message: 'A value in the request cannot be stored',
      requestId,
    };
  }
  if (code === '23505') {
    return {
      statusCode: 409,
      code: 'CONFLICT',
      message: 'This conflicts with data saved meanwhile; retry',
      requestId,
    };
  }
  return undefined;
}
