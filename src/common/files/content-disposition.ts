/**
 * RFC 6266 `Content-Disposition` with an ASCII fallback `filename` and the exact UTF-8 name in
 * `filename*` (RFC 8187).
 */
export function contentDisposition(type: 'inline' | 'attachment', fileName: string): string {
  const fallback = fileName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]|["\\%]/g, '_')
    .slice(0, 150);
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${type}; filename="${fallback || 'file'}"; filename*=UTF-8''${encoded}`;
}

/** Headers for serving a stored file that a user uploaded: never sniffed, never run as a page. */
export function safeFileHeaders(input: {
  mimeType: string;
  size: number;
  fileName: string;
  disposition: 'inline' | 'attachment';
}): Record<string, string> {
  return {
    'Content-Type': input.mimeType,
    'Content-Length': String(input.size),
    'Content-Disposition': contentDisposition(input.disposition, input.fileName),
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'Cache-Control': 'private, no-store',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}
