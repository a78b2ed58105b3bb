import { failureMessage } from './failure-message.js';

describe('failureMessage', () => {
  it('never says "undefined" for a rejection without a reason', () => {
    expect(failureMessage(undefined)).toBe('unknown failure (nothing was said about it)');
    expect(failureMessage(null)).toBe('unknown failure (nothing was said about it)');
  });

  it("says an AggregateError's inner reasons, which its own empty message hides", () => {
    const refused = new AggregateError(
      [new Error('connect ECONNREFUSED ::1:5432'), new Error('connect ECONNREFUSED 127.0.0.1:5432')],
      '',
    );
    expect(failureMessage(refused)).toBe(
      'connect ECONNREFUSED ::1:5432; connect ECONNREFUSED 127.0.0.1:5432',
    );
  });

  it('adds the cause, keeps one line, and reads strings and objects', () => {
    const wrapped = new Error('could not migrate', { cause: new Error('relation "x"\ndoes not exist') });
    expect(failureMessage(wrapped)).toBe('could not migrate: relation "x" | does not exist');
    expect(failureMessage('spawn EACCES')).toBe('spawn EACCES');
    expect(failureMessage({ code: 'EADDRINUSE' })).toBe('{"code":"EADDRINUSE"}');
  });

  it('falls back to the code of an error without a message', () => {
    expect(failureMessage(Object.assign(new Error(''), { code: 'ECONNRESET' }))).toBe('ECONNRESET');
  });
});
