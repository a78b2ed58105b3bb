import type { ArgumentsHost } from '@nestjs/common';
import { pino } from 'pino';
import { QueryFailedError } from 'typeorm';
import { DomainError } from './domain-error.js';
import { AllExceptionsFilter } from './http-exception.filter.js';

/** Runs the filter on one exception: what the client got, and what was logged (pino, into memory). */
function handle(exception: unknown) {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const sent: { status?: number; body?: unknown; headers: Record<string, string> } = { headers: {} };
  const res = {
    headersSent: false,
    status(code: number) {
      sent.status = code;
      return res;
    },
    json(body: unknown) {
      sent.body = body;
      return res;
    },
    setHeader(name: string, value: string) {
      sent.headers[name] = value;
    },
  };
  const host = {
    switchToHttp: () => ({ getRequest: () => ({ id: 'req-1' }), getResponse: () => res }),
  } as unknown as ArgumentsHost;
  new AllExceptionsFilter(logger).catch(exception, host);
  return { sent, lines };
}

describe('AllExceptionsFilter', () => {
  it('answers an unexpected error with a bare 500 and logs its cause under the request id', () => {
    const error = new TypeError("Cannot read properties of undefined (reading 'organizationId')");
    const { sent, lines } = handle(error);
    expect(sent.status).toBe(500);
    expect(sent.body).toEqual({
      statusCode: 500,
      code: 'INTERNAL_ERROR',
      message: 'Internal server error',
      requestId: 'req-1',
    });
    expect(lines).toEqual([
      expect.objectContaining({
        level: 50,
        requestId: 'req-1',
        err: expect.objectContaining({ type: 'TypeError', message: error.message, stack: error.stack }),
      }),
    ]);
  });

  it('logs an outage the code answers for (a DomainError of 503) as a warning, without a stack', () => {
    const error = new DomainError('unavailable', 'RATE_UNAVAILABLE', 'No exchange rate for EUR_BTC');
    const { sent, lines } = handle(error);
    expect(sent.status).toBe(503);
    expect(sent.body).toMatchObject({ code: 'RATE_UNAVAILABLE', message: 'No exchange rate for EUR_BTC' });
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, code: 'RATE_UNAVAILABLE', msg: 'No exchange rate for EUR_BTC' }),
    ]);
    expect(lines[0]).not.toHaveProperty('err');
  });

  it('never shows SQL or a driver message, whatever the database error', () => {
    const driverError = Object.assign(new Error('relation "api_keys" does not exist'), { code: '42P01' });
    const error = new QueryFailedError('SELECT secret_hash FROM api_keys WHERE id = $1', ['x'], driverError);
    const { sent, lines } = handle(error);
    expect(sent.status).toBe(500);
    expect(JSON.stringify(sent.body)).not.toMatch(/api_keys|SELECT|relation/);
    expect(JSON.stringify(lines)).toMatch(/relation \\"api_keys\\" does not exist/);
  });

  it('maps a value PostgreSQL refuses to 400 without its text, and logs it as a warning', () => {
    const driverError = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), {
      code: '22021',
    });
    const { sent, lines } = handle(new QueryFailedError('INSERT INTO receipts …', [], driverError));
    expect(sent.body).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
    expect(JSON.stringify(sent.body)).not.toMatch(/UTF8|INSERT/);
    expect(lines[0]).toMatchObject({ level: 40, requestId: 'req-1' });
  });
});
