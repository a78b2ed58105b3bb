import {
  Injectable,
  SetMetadata,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { catchError, type Observable } from 'rxjs';
import { DomainError, FieldValidationError } from '../errors/domain-error.js';
import {
  findUrlEncodedFault,
  RequestInputError,
  type InputFault,
  type InputProblem,
} from './request-input.js';

const FIELD_MAP_MESSAGES = 'request-input:field-map-messages';

/**
 * For a surface whose errors are a flat `{field: message}` map (seed 002): the message of each input
 * problem, in the surface's language.
 */
export const InputFaultsAsFieldMap = (messages: Record<InputProblem, string>) =>
  SetMetadata(FIELD_MAP_MESSAGES, messages);

/**
 * Answers the input no route can take (nesting too deep, text that is not Unicode) in the route's own
 * error shape: what the body parsers noted, invalid escapes in the query string, and what a multipart
 * reader further down throws. Global, so no route can forget it; it runs after the guards, so an
 * unauthenticated caller still learns only that.
 */
@Injectable()
export class RequestInputInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const messages = this.reflector.getAllAndOverride<Record<InputProblem, string> | undefined>(
      FIELD_MAP_MESSAGES,
      [context.getHandler(), context.getClass()],
    );
    const req = context.switchToHttp().getRequest<Request>();
    const fault = req.inputFault ?? queryFault(req);
    if (fault) throw toRouteError(fault, messages);
    return next.handle().pipe(
      catchError((err: unknown) => {
        throw err instanceof RequestInputError ? toRouteError(err.fault, messages) : err;
      }),
    );
  }
}

function queryFault(req: Request): InputFault | undefined {
  const url = req.originalUrl;
  const start = url.indexOf('?');
  return start === -1 ? undefined : findUrlEncodedFault(url.slice(start + 1), 'query');
}

function toRouteError(fault: InputFault, messages: Record<InputProblem, string> | undefined): Error {
  if (messages) return new FieldValidationError({ [fault.field]: messages[fault.problem] });
  const message = new RequestInputError(fault).message;
  return new DomainError('unprocessable', 'VALIDATION_FAILED', message, [
    { field: fault.field, messages: [message] },
  ]);
}
