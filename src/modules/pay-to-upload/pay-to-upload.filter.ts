import { Catch, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { DomainError } from '../../common/errors/domain-error.js';
import { LOGGER } from '../../common/logging/logger.js';
import { LightningUnavailableError } from '../lightning/lightning-backend.js';
import {
  lightningUnavailable,
  brokenText,
  nestedTooDeep,
  PayToUploadRefusal,
  unexpectedFailure,
} from './pay-to-upload.errors.js';

export interface SeedFailure {
  success: false;
  message: string;
}

/**
 * Seed 000's error contract on its three routes: HTTP 200 `{success: false, message}` for every error,
 * whatever raised it (a refusal, the input checks of the global interceptor, the Lightning backend, the
 * database). Anything unforeseen is logged and answered with a generic sentence that leaks nothing.
 */
@Catch()
export class PayToUploadFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) {
      this.logger.error({ err: exception }, 'pay-to-upload: error after the response started');
      res.destroy();
      return;
    }
    const refusal = this.toRefusal(exception, host.switchToHttp().getRequest<Request>());
    if (refusal.retryAfterSeconds !== undefined)
      res.setHeader('Retry-After', String(refusal.retryAfterSeconds));
    const body: SeedFailure = { success: false, message: refusal.message };
    res.status(200).json(body);
  }

  private toRefusal(exception: unknown, req: Request): PayToUploadRefusal {
    if (exception instanceof PayToUploadRefusal) return exception;
    if (exception instanceof LightningUnavailableError) {
      this.logger.warn({ err: exception }, 'pay-to-upload: Lightning backend unavailable');
      return lightningUnavailable();
    }
    // The global input checks (text that is not Unicode, nesting too deep), noted on the request by the
    // body parsers: the API's messages for them speak of levels and surrogates, not to a person.
    if (exception instanceof DomainError && exception.kind === 'unprocessable') {
      if (req.inputFault?.problem === 'too_deep') return nestedTooDeep();
      if (req.inputFault?.problem === 'invalid_unicode') return brokenText(req.inputFault.field);
      return new PayToUploadRefusal(`${exception.message}.`);
    }
    this.logger.error({ err: exception }, 'pay-to-upload: unexpected error');
    return unexpectedFailure();
  }
}
