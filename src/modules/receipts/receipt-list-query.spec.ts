import { encodeCursor } from '../../common/pagination/cursor.js';
import { parseReceiptListQuery } from './receipt-list-query.js';

const PARIS = 'Europe/Paris';
const forge = (json: unknown) => Buffer.from(JSON.stringify(json)).toString('base64url');

describe('parseReceiptListQuery', () => {
  it('defaults to the newest first, 50 a page', () => {
    const { query, errors } = parseReceiptListQuery({}, PARIS);
    expect(errors).toEqual({});
    expect(query).toMatchObject({ sort: { field: 'id', direction: 'DESC', raw: '-id' }, limit: 50 });
  });

  it('reads every filter', () => {
    const { query, errors } = parseReceiptListQuery(
      {
        type: 'vente',
        status: '1',
        operation_date_from: '2021-06-01',
        operation_date_to: '2021-06-30 23:59:59',
        amount_min: '10,5',
        amount_with_vat_max: '99.99',
        q: '  EDF ',
        sort: 'amount',
        limit: '10',
      },
      PARIS,
    );
    expect(errors).toEqual({});
    expect(query).toMatchObject({
      type: 'vente',
      status: true,
      amountMin: '10.5',
      amountWithVatMax: '99.99',
      q: 'EDF',
      sort: { field: 'amount', direction: 'ASC' },
      limit: 10,
    });
    expect(query.operationDateFrom?.toISOString()).toBe('2021-05-31T22:00:00.000Z');
  });

  it('refuses a parameter given twice', () => {
    expect(parseReceiptListQuery({ type: ['frais', 'vente'] }, PARIS).errors).toHaveProperty('type');
  });

  it('accepts the cursor it made for the same sort', () => {
    const cursor = encodeCursor({ sort: '-operation_date', value: '2021-06-18T18:21:00.000Z', id: 12 });
    const { query, errors } = parseReceiptListQuery({ sort: '-operation_date', cursor }, PARIS);
    expect(errors).toEqual({});
    expect(query.cursor).toEqual({ sort: '-operation_date', value: '2021-06-18T18:21:00.000Z', id: 12 });
  });

  it.each([
    ['another sort', '-id', ['amount', '12.00', 3]],
    ['a string id', '-id', ['-id', null, 'abc']],
    ['a fractional id', '-id', ['-id', null, 1.5]],
    ['a date that is not one', '-created_at', ['-created_at', 'yesterday', 3]],
    ['an amount that is not one', 'amount', ['amount', '1e5', 3]],
    ['a numeric amount', 'amount', ['amount', 12, 3]],
  ])('refuses a cursor with %s', (_what, sort, json) => {
    expect(parseReceiptListQuery({ sort, cursor: forge(json) }, PARIS).errors).toEqual({
      cursor: 'Le curseur est invalide pour ce tri',
    });
  });

  it.each([
    ['a NUL', 'EDF\u0000'],
    ['a tab', 'EDF\tGDF'],
  ])('refuses a search with %s', (_what, q) => {
    expect(parseReceiptListQuery({ q }, PARIS).errors).toEqual({
      q: 'La recherche contient des caractères invalides',
    });
  });

  it('trims tabs and line breaks around a search, as it trims spaces', () => {
    expect(parseReceiptListQuery({ q: '\tEDF\n' }, PARIS)).toMatchObject({ errors: {}, query: { q: 'EDF' } });
  });
});
