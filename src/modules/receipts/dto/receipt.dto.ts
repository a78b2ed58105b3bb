import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RECEIPT_TYPES } from '../receipt.entity.js';

const DATE =
  'YYYY-MM-DD HH:mm:ss in the API time zone (Europe/Paris by default), YYYY-MM-DD, DD/MM/YYYY [HH:mm[:ss]], or ISO 8601 with an offset';
const AMOUNT =
  'Decimal > 0 with at most 2 decimals and 12 integer digits; a string ("1200.50") keeps its exactness';

/**
 * The body of POST, PUT and PATCH /invoice (seed 002), as JSON or multipart/form-data. Documentation
 * only: the rules and their French messages live in receipt-input.ts.
 *
 * Swagger UI prefills "Try it out" with these examples and sends every field it prefilled: the required
 * fields carry a coherent example (1000.50 + 20 % = 1200.60), the optional ones whose value the server
 * would apply (`created_at`, `comment`) or refuse (`receipt_upload_id`) carry none, so the form as it
 * comes creates a receipt dated now, without a comment.
 */
export class ReceiptWriteDto {
  @ApiProperty({ example: 'Achat de matiere premieree', maxLength: 255 })
  label: string;

  @ApiProperty({
    enum: RECEIPT_TYPES,
    example: 'frais',
    description: 'Required on create and on every update',
  })
  type: string;

  @ApiProperty({ type: String, example: '1000.50', description: `Amount before VAT. ${AMOUNT}` })
  amount: string;

  @ApiProperty({ type: String, example: '1200.60', description: `Amount with VAT. ${AMOUNT}` })
  amount_with_vat: string;

  @ApiPropertyOptional({
    type: String,
    example: '20',
    nullable: true,
    description: 'VAT rate in percent, 0..100',
  })
  vat?: string | null;

  @ApiPropertyOptional({ type: String, example: '200.10', nullable: true, description: 'VAT amount, ≥ 0' })
  vat_value?: string | null;

  @ApiProperty({ example: '5EFDRE63x', minLength: 3, maxLength: 100, description: 'Required on create only' })
  reference: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '',
    maxLength: 5000,
    description: 'Free text',
  })
  comment?: string | null;

  @ApiProperty({
    example: '2021-06-18 20:21:00',
    description: `Required on create and on every update. ${DATE}`,
  })
  operation_date: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '',
    description: `Issue date of the receipt, e.g. 2021-06-28 11:24:53; default now. ${DATE}`,
  })
  created_at?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '',
    description:
      'JSON form only: the id (a uuid) of a confirmed upload (POST /api/v1/invoice-uploads/presign, PUT, ' +
      'confirm) to use as the file, within the same 1 MiB and type limits. The upload is consumed.',
  })
  receipt_upload_id?: string | null;
}

export class ReceiptMultipartDto extends ReceiptWriteDto {
  @ApiPropertyOptional({
    type: 'string',
    format: 'binary',
    description: 'PDF, JPG or PNG (checked by content), at most 1 MiB (1,048,576 bytes)',
  })
  receipt?: unknown;
}

export class ReceiptDto {
  @ApiProperty({ example: 2 })
  id: number;

  @ApiProperty({
    example: '20210628_Achat de matiere premieree_1200.50',
    description: 'Date reversed + label + amount with VAT',
  })
  name: string;

  @ApiProperty({ example: 'Achat de matiere premieree' })
  label: string;

  @ApiProperty({ enum: RECEIPT_TYPES, example: 'frais' })
  type: string;

  @ApiProperty({ example: '12' })
  amount: string;

  @ApiProperty({ example: '1200.50' })
  amount_with_vat: string;

  @ApiProperty({ type: String, example: '12', nullable: true })
  vat: string | null;

  @ApiProperty({ type: String, example: '0', nullable: true })
  vat_value: string | null;

  @ApiProperty({ example: '5EFDRE63x' })
  reference: string;

  @ApiProperty({ type: String, example: 'Ceci est un joli commentaire', nullable: true })
  comment: string | null;

  @ApiProperty({ example: '2021-06-18 20:21:00' })
  operation_date: string;

  @ApiProperty({ example: '2021-06-28 11:24:53' })
  created_at: string;

  @ApiProperty({
    example: false,
    description: 'True once an affectation ties the receipt to a bank operation',
  })
  status: boolean;

  @ApiProperty({ type: Number, example: null, nullable: true })
  affectation_id: number | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '/storage/invoices/Capture-d-ecran-de-2021-04-05-18-55-45-60d9b185e0e88.png',
  })
  receipt_path: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Signed download URL, valid a few minutes' })
  receipt_url: string | null;
}

export class ReceiptPageDto {
  @ApiProperty({ type: [ReceiptDto] })
  data: ReceiptDto[];

  @ApiProperty()
  has_more: boolean;

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page' })
  next_cursor: string | null;
}

export class ReceiptFieldErrorsDto {
  @ApiPropertyOptional({ example: 'Le montant doit être un nombre positif' })
  amount?: string;

  @ApiPropertyOptional({ example: 'Le fichier ne doit pas dépasser 1 Mo' })
  receipt?: string;
}
