import { COMMENT_MAX, LABEL_MAX, MESSAGES, validateReceiptInput, type WriteMode } from './receipt-input.js';
import { SEED_002_EXAMPLE as SEED_BODY } from '../../../test/fixtures/receipts.js';

const PARIS = 'Europe/Paris';

const validate = (raw: Record<string, unknown>, mode: WriteMode = 'create') =>
  validateReceiptInput(raw, mode, PARIS);

const errorsOf = (raw: Record<string, unknown>, mode: WriteMode = 'create') => validate(raw, mode).errors;

const without = (...fields: string[]) =>
  Object.fromEntries(Object.entries(SEED_BODY).filter(([key]) => !fields.includes(key)));

/** The smallest valid PATCH body. */
const PATCH_MINIMUM = { type: 'vente', operation_date: '2021-06-18' };

describe('validateReceiptInput', () => {
  describe("seed 002's example", () => {
    it('is valid on create, every field read into the input', () => {
      expect(validate(SEED_BODY)).toEqual({
        errors: {},
        input: {
          label: 'Achat de matiere premieree',
          type: 'frais',
          amount: '12',
          amountWithVat: '1200.50',
          vat: '12',
          vatValue: '0',
          reference: '5EFDRE63x',
          comment: 'Ceci est un joli commentaire',
          operationDate: new Date('2021-06-18T18:21:00Z'),
          createdAt: new Date('2021-06-28T09:24:53Z'),
        },
      });
    });

    it('is valid on replace and patch too', () => {
      expect(errorsOf(SEED_BODY, 'replace')).toEqual({});
      expect(errorsOf(SEED_BODY, 'patch')).toEqual({});
    });
  });

  describe('required fields', () => {
    it('reports every missing field at once on create', () => {
      expect(errorsOf({})).toEqual({
        label: MESSAGES.labelRequired,
        type: MESSAGES.typeRequired,
        amount: MESSAGES.amountRequired,
        amount_with_vat: MESSAGES.amountWithVatRequired,
        reference: MESSAGES.referenceRequired,
        operation_date: MESSAGES.operationDateRequired,
      });
    });

    it('uses the French messages of seed 002', () => {
      expect(errorsOf({})).toEqual({
        label: 'Le libellé est obligatoire',
        type: 'Le type est obligatoire',
        amount: 'Le montant est obligatoire',
        amount_with_vat: 'Le montant TTC est obligatoire',
        reference: 'La référence est obligatoire',
        operation_date: "La date d'opération est obligatoire",
      });
    });

    it('requires everything but the reference on replace', () => {
      expect(errorsOf({}, 'replace')).toEqual({
        label: MESSAGES.labelRequired,
        type: MESSAGES.typeRequired,
        amount: MESSAGES.amountRequired,
        amount_with_vat: MESSAGES.amountWithVatRequired,
        operation_date: MESSAGES.operationDateRequired,
      });
    });

    it('requires only type and operation_date on patch', () => {
      expect(errorsOf({}, 'patch')).toEqual({
        type: MESSAGES.typeRequired,
        operation_date: MESSAGES.operationDateRequired,
      });
      expect(validate(PATCH_MINIMUM, 'patch')).toEqual({
        errors: {},
        input: { type: 'vente', operationDate: new Date('2021-06-17T22:00:00Z') },
      });
    });

    it('accepts a body without reference on replace', () => {
      const { input, errors } = validate(without('reference'), 'replace');
      expect(errors).toEqual({});
      expect(input.reference).toBeUndefined();
    });

    it('treats empty and blank strings as absent', () => {
      expect(
        errorsOf({
          ...SEED_BODY,
          label: '',
          type: ' ',
          amount: '',
          amount_with_vat: '  ',
          reference: '',
          operation_date: '',
        }),
      ).toEqual({
        label: MESSAGES.labelRequired,
        type: MESSAGES.typeRequired,
        amount: MESSAGES.amountRequired,
        amount_with_vat: MESSAGES.amountWithVatRequired,
        reference: MESSAGES.referenceRequired,
        operation_date: MESSAGES.operationDateRequired,
      });
    });

    it('treats null as absent for required fields', () => {
      expect(errorsOf({ ...SEED_BODY, label: null, amount: null })).toEqual({
        label: MESSAGES.labelRequired,
        amount: MESSAGES.amountRequired,
      });
    });

    it('keeps an optional empty field unchanged on patch instead of refusing it', () => {
      expect(validate({ ...PATCH_MINIMUM, label: '', reference: '', amount: '' }, 'patch')).toEqual({
        errors: {},
        input: { type: 'vente', operationDate: new Date('2021-06-17T22:00:00Z') },
      });
    });
  });

  describe('label', () => {
    it(`accepts ${LABEL_MAX} characters, counted as characters and not bytes`, () => {
      expect(validate({ ...SEED_BODY, label: 'é'.repeat(LABEL_MAX) }).input.label).toBe(
        'é'.repeat(LABEL_MAX),
      );
    });

    it(`refuses ${LABEL_MAX + 1} characters`, () => {
      expect(errorsOf({ ...SEED_BODY, label: 'a'.repeat(LABEL_MAX + 1) })).toEqual({
        label: MESSAGES.labelInvalid,
      });
    });

    it('trims the label', () => {
      expect(validate({ ...SEED_BODY, label: '  Achat  ' }).input.label).toBe('Achat');
    });

    it('refuses control characters such as a line break', () => {
      expect(errorsOf({ ...SEED_BODY, label: 'Achat\nde matiere' })).toEqual({
        label: MESSAGES.labelInvalid,
      });
    });

    it('refuses values that are not text', () => {
      expect(errorsOf({ ...SEED_BODY, label: { text: 'x' } })).toEqual({ label: MESSAGES.labelInvalid });
      expect(errorsOf({ ...SEED_BODY, label: true })).toEqual({ label: MESSAGES.labelInvalid });
    });
  });

  describe('type', () => {
    it.each(['frais', 'vente'])('accepts %s', (type) => {
      expect(validate({ ...SEED_BODY, type }).input.type).toBe(type);
    });

    it('trims the type', () => {
      expect(validate({ ...SEED_BODY, type: ' vente ' }).input.type).toBe('vente');
    });

    it.each([['achat'], ['FRAIS'], [1], [['frais']]])('refuses %j', (type) => {
      expect(errorsOf({ ...SEED_BODY, type })).toEqual({ type: MESSAGES.typeInvalid });
    });
  });

  describe('amount and amount_with_vat', () => {
    it('refuses a negative amount with the message of seed 002', () => {
      expect(errorsOf({ ...SEED_BODY, amount: '-5' })).toEqual({ amount: MESSAGES.amountInvalid });
      expect(MESSAGES.amountInvalid).toBe('Le montant doit être un nombre positif');
    });

    it('refuses a zero amount', () => {
      expect(errorsOf({ ...SEED_BODY, amount: '0', amount_with_vat: 0 })).toEqual({
        amount: MESSAGES.amountInvalid,
        amount_with_vat: MESSAGES.amountWithVatInvalid,
      });
    });

    it('refuses text that is not a number', () => {
      expect(errorsOf({ ...SEED_BODY, amount: 'douze', amount_with_vat: '1e3' })).toEqual({
        amount: MESSAGES.amountInvalid,
        amount_with_vat: MESSAGES.amountWithVatInvalid,
      });
    });

    it('names the field when there are too many decimals', () => {
      expect(errorsOf({ ...SEED_BODY, amount: '1.234', amount_with_vat: 0.1 + 0.2 })).toEqual({
        amount: 'Le montant doit avoir au plus 2 décimales',
        amount_with_vat: 'Le montant TTC doit avoir au plus 2 décimales',
      });
    });

    it('names the field and the maximum when the amount is too large', () => {
      expect(errorsOf({ ...SEED_BODY, amount: '1000000000000' })).toEqual({
        amount: 'Le montant ne doit pas dépasser 999999999999.99',
      });
      expect(errorsOf({ ...SEED_BODY, amount: '999999999999.99' })).toEqual({});
    });

    it('accepts JSON numbers and decimal commas, keeping the scale', () => {
      const { input } = validate({ ...SEED_BODY, amount: 12.5, amount_with_vat: '12,50' });
      expect(input.amount).toBe('12.5');
      expect(input.amountWithVat).toBe('12.50');
    });

    it('still checks an amount sent on patch', () => {
      expect(errorsOf({ ...PATCH_MINIMUM, amount: '-1' }, 'patch')).toEqual({
        amount: MESSAGES.amountInvalid,
      });
    });
  });

  describe('vat', () => {
    it('accepts 0 and 100', () => {
      expect(validate({ ...SEED_BODY, vat: '0' }).input.vat).toBe('0');
      expect(validate({ ...SEED_BODY, vat: '100' }).input.vat).toBe('100');
      expect(validate({ ...SEED_BODY, vat: 5.5 }).input.vat).toBe('5.5');
    });

    it.each([['100.01'], ['-1'], ['1000000000000'], ['abc']])('refuses %j as not a percentage', (vat) => {
      expect(errorsOf({ ...SEED_BODY, vat })).toEqual({ vat: MESSAGES.vatInvalid });
    });

    it('refuses a third decimal with the decimals message', () => {
      expect(errorsOf({ ...SEED_BODY, vat: '5.555' })).toEqual({
        vat: 'La TVA doit avoir au plus 2 décimales',
      });
    });

    it('is optional: absent leaves it unchanged, null or "" clears it', () => {
      expect(validate(without('vat')).input).not.toHaveProperty('vat');
      expect(validate({ ...SEED_BODY, vat: null }).input.vat).toBeNull();
      expect(validate({ ...SEED_BODY, vat: '' }).input.vat).toBeNull();
    });
  });

  describe('vat_value', () => {
    it('accepts "0"', () => {
      expect(validate({ ...SEED_BODY, vat_value: '0' })).toMatchObject({
        errors: {},
        input: { vatValue: '0' },
      });
    });

    it('accepts a positive amount', () => {
      expect(validate({ ...SEED_BODY, vat_value: '200.08' }).input.vatValue).toBe('200.08');
    });

    it('refuses a negative amount', () => {
      expect(errorsOf({ ...SEED_BODY, vat_value: '-1' })).toEqual({ vat_value: MESSAGES.vatValueInvalid });
    });

    it('refuses a third decimal and a too large amount with their own messages', () => {
      expect(errorsOf({ ...SEED_BODY, vat_value: '1.234' })).toEqual({
        vat_value: 'Le montant de la TVA doit avoir au plus 2 décimales',
      });
      expect(errorsOf({ ...SEED_BODY, vat_value: '1000000000000' })).toEqual({
        vat_value: 'Le montant de la TVA ne doit pas dépasser 999999999999.99',
      });
    });

    it('is optional: absent leaves it unchanged, null or "" clears it', () => {
      expect(validate(without('vat_value')).input).not.toHaveProperty('vatValue');
      expect(validate({ ...SEED_BODY, vat_value: null }).input.vatValue).toBeNull();
      expect(validate({ ...SEED_BODY, vat_value: '' }).input.vatValue).toBeNull();
    });
  });

  describe('reference', () => {
    it('accepts 3 and 100 characters', () => {
      expect(errorsOf({ ...SEED_BODY, reference: 'abc' })).toEqual({});
      expect(errorsOf({ ...SEED_BODY, reference: 'a'.repeat(100) })).toEqual({});
    });

    it.each([
      ['2 characters', 'ab'],
      ['101 characters', 'a'.repeat(101)],
      ['2 characters once trimmed', '  ab  '],
    ])('refuses %s', (_, reference) => {
      expect(errorsOf({ ...SEED_BODY, reference })).toEqual({ reference: MESSAGES.referenceInvalid });
    });

    it.each<WriteMode>(['replace', 'patch'])('is optional on %s but still checked when sent', (mode) => {
      const body = mode === 'patch' ? PATCH_MINIMUM : without('reference');
      expect(errorsOf(body, mode)).toEqual({});
      expect(errorsOf({ ...body, reference: 'ab' }, mode)).toEqual({ reference: MESSAGES.referenceInvalid });
      expect(errorsOf({ ...body, reference: 'a'.repeat(101) }, mode)).toEqual({
        reference: MESSAGES.referenceInvalid,
      });
    });

    it('uses the seed 002 message for an invalid length', () => {
      expect(MESSAGES.referenceInvalid).toBe('La référence doit contenir entre 3 et 100 caractères');
    });
  });

  describe('comment', () => {
    it('keeps line breaks', () => {
      expect(validate({ ...SEED_BODY, comment: 'ligne 1\nligne 2' }).input.comment).toBe('ligne 1\nligne 2');
    });

    it('clears the comment on null or an empty string', () => {
      expect(validate({ ...SEED_BODY, comment: null }, 'replace').input.comment).toBeNull();
      expect(validate({ ...SEED_BODY, comment: '' }, 'replace').input.comment).toBeNull();
      expect(validate({ ...PATCH_MINIMUM, comment: null }, 'patch').input.comment).toBeNull();
    });

    it('leaves the comment unchanged when absent', () => {
      expect(validate(PATCH_MINIMUM, 'patch').input).not.toHaveProperty('comment');
    });

    it(`refuses more than ${COMMENT_MAX} characters and control characters other than line breaks`, () => {
      expect(errorsOf({ ...SEED_BODY, comment: 'a'.repeat(COMMENT_MAX) })).toEqual({});
      expect(errorsOf({ ...SEED_BODY, comment: 'a'.repeat(COMMENT_MAX + 1) })).toEqual({
        comment: MESSAGES.commentInvalid,
      });
      expect(errorsOf({ ...SEED_BODY, comment: 'nul\u0000byte' })).toEqual({
        comment: MESSAGES.commentInvalid,
      });
    });
  });

  describe('operation_date and created_at', () => {
    it('reads them as Paris wall-clock times', () => {
      const { input } = validate({ ...SEED_BODY, operation_date: '2021-01-15 10:00:00' });
      expect(input.operationDate).toEqual(new Date('2021-01-15T09:00:00Z'));
      expect(input.createdAt).toEqual(new Date('2021-06-28T09:24:53Z'));
    });

    it('refuses impossible dates and non-strings', () => {
      expect(errorsOf({ ...SEED_BODY, operation_date: '2021-02-30', created_at: 'hier' })).toEqual({
        operation_date: MESSAGES.operationDateInvalid,
        created_at: MESSAGES.createdAtInvalid,
      });
      expect(errorsOf({ ...SEED_BODY, operation_date: 1624040460000 })).toEqual({
        operation_date: MESSAGES.operationDateInvalid,
      });
    });

    it('still requires operation_date on patch', () => {
      expect(errorsOf({ type: 'frais' }, 'patch')).toEqual({
        operation_date: MESSAGES.operationDateRequired,
      });
    });

    it('still requires type on patch', () => {
      expect(errorsOf({ operation_date: '2021-06-18' }, 'patch')).toEqual({ type: MESSAGES.typeRequired });
    });

    it('leaves created_at unset when absent or empty', () => {
      expect(validate(without('created_at')).input).not.toHaveProperty('createdAt');
      expect(validate({ ...SEED_BODY, created_at: '' }).input).not.toHaveProperty('createdAt');
    });
  });

  describe('read-only fields', () => {
    it('ignores id, name, status, affectation_id and receipt_path', () => {
      const withReadOnly = {
        ...SEED_BODY,
        id: 99,
        name: '20210628_x_1',
        status: true,
        affectation_id: 3,
        receipt_path: '/storage/invoices/../../etc/passwd',
      };
      expect(validate(withReadOnly)).toEqual(validate(SEED_BODY));
    });

    it('ignores them even when their values are invalid', () => {
      expect(errorsOf({ ...SEED_BODY, id: 'abc', status: 'peut-être', affectation_id: {} })).toEqual({});
    });
  });
});
