import { fileTypeFromBuffer } from 'file-type';

/** What an invoice document may be, declared and by content. */
export const UPLOAD_ALLOWED_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export const UPLOAD_MAX_SIZE = 104_857_600;

const ALIASES: Record<string, string> = { 'application/x-pdf': 'application/pdf', 'image/jpg': 'image/jpeg' };
const EXTENSIONS: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
};

/** The canonical allowed type for a declared one ("image/jpg" → "image/jpeg"), or null. */
export function allowedType(declared: string): string | null {
  const type = declared.trim().toLowerCase().split(';')[0];
  const canonical = ALIASES[type] ?? type;
  return (UPLOAD_ALLOWED_TYPES as readonly string[]).includes(canonical) ? canonical : null;
}

export function extensionOf(type: string): string {
  return EXTENSIONS[type] ?? 'bin';
}

/** How many leading bytes content sniffing needs. */
export const SNIFF_BYTES = 4100;

/** The type found in a file's first bytes, or null. */
export async function sniffType(head: Buffer): Promise<string | null> {
  return (await fileTypeFromBuffer(head))?.mime ?? null;
}
