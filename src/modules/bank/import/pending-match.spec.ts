import { matchPendingLines, type PendingCandidate } from './pending-match.js';

const pending = (
  id: string,
  date: string,
  amount: string,
  createdAt = '2024-01-01T00:00:00Z',
): PendingCandidate => ({
  id,
  date,
  amount,
  createdAt: new Date(createdAt),
});

describe('matchPendingLines', () => {
  it('confirms a pending line with the same amount dated at most 5 days apart, either way', () => {
    const lines = [
      { date: '2024-03-04', amount: '-64.90' },
      { date: '2024-03-01', amount: '-10.00' },
      { date: '2024-03-20', amount: '-5.00' },
    ];
    const candidates = [
      pending('a', '2024-03-02', '-64.90'),
      pending('b', '2024-03-06', '-10.00'),
      pending('c', '2024-03-14', '-5.00'),
    ];
    expect(matchPendingLines(lines, candidates)).toEqual(['a', 'b', null]);
  });

  it('never confirms a line with another amount, even a day apart', () => {
    expect(
      matchPendingLines([{ date: '2024-03-04', amount: '-64.90' }], [pending('a', '2024-03-04', '64.90')]),
    ).toEqual([null]);
  });

  it('uses each pending line once, the closest date first, then the oldest entered', () => {
    const lines = [
      { date: '2024-03-05', amount: '-20.00' },
      { date: '2024-03-05', amount: '-20.00' },
      { date: '2024-03-05', amount: '-20.00' },
    ];
    const candidates = [
      pending('far', '2024-03-01', '-20.00'),
      pending('late', '2024-03-04', '-20.00', '2024-03-04T10:00:00Z'),
      pending('early', '2024-03-06', '-20.00', '2024-03-01T10:00:00Z'),
    ];
    expect(matchPendingLines(lines, candidates)).toEqual(['early', 'late', 'far']);
  });
});
