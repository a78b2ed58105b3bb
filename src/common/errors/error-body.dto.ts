import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The error envelope of every surface but seed 002's 422 and seed 000. */
export class ErrorBodyDto {
  @ApiProperty({ example: 404 })
  statusCode: number;

  @ApiProperty({ example: 'RECEIPT_NOT_FOUND', description: 'Stable code to branch on' })
  code: string;

  @ApiProperty({ example: 'Pièce introuvable' })
  message: string;

  @ApiPropertyOptional({ description: 'Machine-readable specifics, when useful' })
  details?: unknown;

  @ApiProperty({
    example: '3f0c8a52-7c0e-4d7e-9a63-6a7d1c2b9e10',
    description: 'Also in the X-Request-Id header',
  })
  requestId: string;
}
