import { randomBytes } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import { slugify, stripExtension } from '../../common/files/file-names.js';

/** Seed 002: at most "1M", read as 1 MiB. */
export const RECEIPT_MAX_BYTES = 1_048_576;

/** The declared types the seed accepts. */
export const RECEIPT_DECLARED_TYPES = [
  'application/pdf',
  'application/x-pdf',
  'image/jpg',
  'image/jpeg',
  'image/png',
];

/** What the content itself must be, and the extension the stored file gets. */
const SNIFFED_TYPES: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
};

export const RECEIPT_KEY_AREA = 'invoices';

/**
 * The file's real type, from its first bytes, when it is one the seed accepts; null otherwise (a text
 * file named .png, an executable declared as application/pdf, ...).
 */
export interface ReceiptFileType {
  mimeType: string;
  extension: string;
}

export async function sniffReceiptType(
  content: Buffer,
  declaredType: string,
): Promise<ReceiptFileType | null> {
  if (!RECEIPT_DECLARED_TYPES.includes(declaredType.toLowerCase())) return null;
  const sniffed = await fileTypeFromBuffer(content);
  if (!sniffed) return null;
  const extension = SNIFFED_TYPES[sniffed.mime];
  return extension ? { mimeType: sniffed.mime, extension } : null;
}

/**
 * `invoices/<slug of the original name>-<unique id>.<ext>`, as in seed 002's
 * `/storage/invoices/Capture-d-ecran-de-2021-04-05-18-55-45-60d9b185e0e88.png`.
 */
export function receiptStorageKey(originalName: string, extension: string): string {
  return `${RECEIPT_KEY_AREA}/${slugify(stripExtension(originalName))}-${randomBytes(8).toString('hex')}.${extension}`;
}
