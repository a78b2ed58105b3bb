import { planAutoMatch } from './auto-match.js';

describe('planAutoMatch', () => {
  it('affects an operation whose only strong receipt no other operation wants', () => {
    const plan = planAutoMatch(
      ['op1'],
      [
        { operationId: 'op1', receiptId: 1, score: 85 },
        { operationId: 'op1', receiptId: 2, score: 40 },
      ],
      80,
    );
    expect(plan).toEqual({ chosen: [{ operationId: 'op1', receiptId: 1, score: 85 }], left: [] });
  });

  it('counts the threshold itself as strong', () => {
    expect(planAutoMatch(['op1'], [{ operationId: 'op1', receiptId: 1, score: 80 }], 80).chosen).toHaveLength(
      1,
    );
  });

  it('leaves an operation with two strong receipts as ambiguous', () => {
    const plan = planAutoMatch(
      ['op1'],
      [
        { operationId: 'op1', receiptId: 1, score: 85 },
        { operationId: 'op1', receiptId: 2, score: 95 },
      ],
      80,
    );
    expect(plan).toEqual({ chosen: [], left: [{ operationId: 'op1', reason: 'AMBIGUOUS' }] });
  });

  it('leaves both operations when one receipt is strong for both', () => {
    const plan = planAutoMatch(
      ['op1', 'op2', 'op3'],
      [
        { operationId: 'op1', receiptId: 7, score: 90 },
        { operationId: 'op2', receiptId: 7, score: 81 },
        { operationId: 'op3', receiptId: 8, score: 99 },
      ],
      80,
    );
    expect(plan.chosen).toEqual([{ operationId: 'op3', receiptId: 8, score: 99 }]);
    expect(plan.left).toEqual([
      { operationId: 'op1', reason: 'RECEIPT_CONTESTED' },
      { operationId: 'op2', reason: 'RECEIPT_CONTESTED' },
    ]);
  });

  it('tells an operation with weak candidates from one with none', () => {
    const plan = planAutoMatch(['op1', 'op2'], [{ operationId: 'op1', receiptId: 1, score: 79 }], 80);
    expect(plan.left).toEqual([
      { operationId: 'op1', reason: 'BELOW_THRESHOLD' },
      { operationId: 'op2', reason: 'NO_CANDIDATE' },
    ]);
  });
});
