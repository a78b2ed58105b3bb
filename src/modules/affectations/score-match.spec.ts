import {
  DEFAULT_AUTO_MATCH_THRESHOLD,
  referenceTokens,
  scoreMatch,
  words,
  type MatchOperation,
  type MatchReceipt,
} from './score-match.js';

const op = (over: Partial<MatchOperation> = {}): MatchOperation => ({
  amount: '-64.90',
  date: '2024-03-04',
  label: 'CB TOTALENERGIES 02/03',
  remaining: '64.90',
  ...over,
});
const receipt = (over: Partial<MatchReceipt> = {}): MatchReceipt => ({
  type: 'frais',
  amountWithVat: '64.90',
  reference: 'TE-55812',
  label: 'Carburant Totalenergies',
  date: '2024-03-02',
  ...over,
});
const codes = (r: ReturnType<typeof scoreMatch>) => r.reasons.map((x) => [x.code, x.points]);

describe('scoreMatch', () => {
  it('rates same TTC amount, right direction, 2 days and a shared word as a confident match', () => {
    const result = scoreMatch(op(), receipt());
    expect(codes(result)).toEqual([
      ['AMOUNT_EQUALS_OPERATION', 50],
      ['DIRECTION_MATCHES', 15],
      ['DATE_DISTANCE', 15],
      ['LABEL_WORDS', 5],
    ]);
    expect(result.score).toBe(85);
    expect(result.score).toBeGreaterThanOrEqual(DEFAULT_AUTO_MATCH_THRESHOLD);
    expect(result.reasons[3].detail).toBe('label words in the bank label: totalenergies');
  });

  it('compares amounts by value, not by how they are written', () => {
    expect(
      scoreMatch(op({ amount: '-12.00', remaining: '12.00' }), receipt({ amountWithVat: '12' })).reasons[0]
        .code,
    ).toBe('AMOUNT_EQUALS_OPERATION');
  });

  it('matches a credit with a sale, and penalises a sale against a debit', () => {
    const credit = op({ amount: '2400.00', remaining: '2400.00' });
    expect(scoreMatch(credit, receipt({ type: 'vente', amountWithVat: '2400' })).reasons[1]).toEqual({
      code: 'DIRECTION_MATCHES',
      points: 15,
      detail: 'credit and vente',
    });
    const wrong = scoreMatch(op(), receipt({ type: 'vente' }));
    expect(wrong.reasons[1]).toEqual({ code: 'DIRECTION_MISMATCH', points: -40, detail: 'debit but vente' });
    expect(wrong.score).toBeLessThan(DEFAULT_AUTO_MATCH_THRESHOLD);
  });

  it('scores the date distance by steps, both ways', () => {
    const points = (date: string) =>
      scoreMatch(op(), receipt({ date })).reasons.find((r) => r.code === 'DATE_DISTANCE')!.points;
    expect(points('2024-03-04')).toBe(20);
    expect(points('2024-03-07')).toBe(15);
    expect(points('2024-02-26')).toBe(10);
    expect(points('2024-03-19')).toBe(5);
    expect(points('2024-04-20')).toBe(0);
    expect(points('2023-03-04')).toBe(-10);
  });

  it('finds the reference in the bank label whatever its punctuation and case', () => {
    const result = scoreMatch(
      op({
        amount: '1234.56',
        remaining: '1234.56',
        date: '2024-01-05',
        label: 'VIR SEPA RECU /DE SARL MARTIN /MOTIF FAC 2024 001',
      }),
      receipt({
        type: 'vente',
        amountWithVat: '1000',
        reference: 'fac-2024-001',
        label: 'Prestation',
        date: '2024-01-20',
      }),
    );
    expect(codes(result)).toEqual([
      ['DIRECTION_MATCHES', 15],
      ['DATE_DISTANCE', 5],
      ['REFERENCE_IN_LABEL', 30],
    ]);
  });

  it('ignores references too short to mean anything', () => {
    const result = scoreMatch(op({ label: 'CB ABC' }), receipt({ reference: 'ABC' }));
    expect(result.reasons.some((r) => r.code === 'REFERENCE_IN_LABEL')).toBe(false);
  });

  it('prefers the remaining amount once part of the operation is justified, and says when a receipt is too big', () => {
    const partly = op({ amount: '-100.00', remaining: '40.00' });
    expect(codes(scoreMatch(partly, receipt({ amountWithVat: '40', date: '2024-03-04' })))[0]).toEqual([
      'AMOUNT_EQUALS_REMAINING',
      45,
    ]);
    const tooBig = scoreMatch(partly, receipt({ amountWithVat: '100', date: '2024-03-04' }));
    expect(codes(tooBig).slice(0, 2)).toEqual([
      ['AMOUNT_EQUALS_OPERATION', 50],
      ['AMOUNT_EXCEEDS_REMAINING', -20],
    ]);
  });

  it('gives a little for an amount within 1 %', () => {
    expect(
      codes(
        scoreMatch(op({ amount: '-100.00', remaining: '100.00' }), receipt({ amountWithVat: '99.00' })),
      )[0],
    ).toEqual(['AMOUNT_CLOSE', 15]);
    expect(
      codes(
        scoreMatch(op({ amount: '-100.00', remaining: '100.00' }), receipt({ amountWithVat: '98.99' })),
      )[0],
    ).toEqual(['DIRECTION_MATCHES', 15]);
  });

  it('caps label words and keeps the score within 0..100', () => {
    const many = scoreMatch(
      op({ label: 'ALPHA BRAVO CHARLIE DELTA TE-55812' }),
      receipt({ label: 'alpha bravo charlie delta', date: '2024-03-04' }),
    );
    expect(many.reasons.find((r) => r.code === 'LABEL_WORDS')!.points).toBe(15);
    expect(many.score).toBe(100);
    expect(scoreMatch(op(), receipt({ type: 'vente', amountWithVat: '5', date: '2020-01-01' })).score).toBe(
      0,
    );
  });
});

describe('words and referenceTokens', () => {
  it('keeps the meaningful words of a label', () => {
    expect(words('Achat de carburant Total (station) — facture 12')).toEqual([
      'carburant',
      'total',
      'station',
    ]);
  });

  it('gives the tokens of a bank label that may be references', () => {
    expect(referenceTokens('VIR SEPA /MOTIF FAC-2024-001 REF:5EFDRE63x')).toEqual([
      'fac-2024-001',
      '2024-001',
      'fac-2024',
      '5efdre63x',
    ]);
    expect(referenceTokens('CB CARREFOUR')).toEqual([]);
    expect(referenceTokens('A1 A2 A3 A4 A5 X1234 Y1234', 1)).toEqual(['x1234']);
  });
});
