import { ApiProperty } from '@nestjs/swagger';

const HASH = { example: 'f3c0…64 hex digits', pattern: '^[0-9a-f]{64}$' };
const DATE = { example: '2026-11-27T12:00:00.000Z', description: 'As getInvoice returned it' };

export class InvoiceIssuedDto {
  @ApiProperty({ enum: [true] })
  success: true;

  @ApiProperty({ enum: ['Invoice generated successfully.'] })
  message: string;

  @ApiProperty(HASH)
  payment_hash: string;

  @ApiProperty({ description: 'BOLT #11 invoice to show the payer', example: 'lnbcrt10u1…' })
  payment_request: string;

  @ApiProperty({
    format: 'date-time',
    description: 'Creation time of the invoice; keep it with payment_hash',
  })
  date: string;
}

export class CheckPaidDto {
  @ApiProperty(HASH)
  payment_hash: string;

  @ApiProperty(DATE)
  date: string;
}

export class PaidDto {
  @ApiProperty({ enum: [true] })
  success: true;
}

export class UploadFormDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'PDF, JPEG or PNG' })
  file: unknown;

  @ApiProperty(HASH)
  payment_hash: string;

  @ApiProperty(DATE)
  date: string;
}

export class UploadedDto {
  @ApiProperty({ enum: [true] })
  success: true;

  @ApiProperty({ enum: ['File uploaded'] })
  message: string;

  @ApiProperty({
    format: 'uri',
    description: 'Opens the file without credentials for PAY_TO_UPLOAD_LINK_TTL',
  })
  url: string;
}

export class SeedFailureDto {
  @ApiProperty({ enum: [false] })
  success: false;

  @ApiProperty({ example: 'The invoice has not been paid yet.', description: 'A sentence to show the user' })
  message: string;
}
