/**
 * Request bodies the bench sends, generated in code so that no binary file is committed.
 */

/**
 * A valid one-page PDF of about `targetBytes`: catalog, page tree, a page, a Helvetica font and a content
 * stream padded with PDF comments, with a correct cross-reference table. ASCII only.
 */
export function benchPdf(targetBytes = 100 * 1024): Buffer {
  const text = 'BT /F1 18 Tf 72 760 Td (Piece justificative - bench) Tj ET\n';
  const objects = (padding: string): string[] => {
    const stream = text + padding;
    return [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
      `<< /Length ${Buffer.byteLength(stream)} >>\nstream\n${stream}endstream`,
      '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    ];
  };
  const assemble = (padding: string): string => {
    let pdf = '%PDF-1.4\n';
    const offsets: number[] = [];
    objects(padding).forEach((body, i) => {
      offsets.push(Buffer.byteLength(pdf));
      pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
    });
    const xref = Buffer.byteLength(pdf);
    pdf += `xref\n0 ${offsets.length + 1}\n0000000000 65535 f \n`;
    for (const offset of offsets) pdf += `${String(offset).padStart(10, '0')} 00000 n \n`;
    pdf += `trailer\n<< /Size ${offsets.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF`;
    return pdf;
  };
  const line = '% padding so that the receipt weighs what a scanned one does ........................\n';
  const missing = Math.max(0, targetBytes - Buffer.byteLength(assemble('')));
  return Buffer.from(assemble(line.repeat(Math.ceil(missing / line.length))), 'latin1');
}

export interface MultipartFile {
  field: string;
  filename: string;
  contentType: string;
  content: Buffer;
}

/** A multipart/form-data body, built once, with its Content-Type header. */
export function multipartBody(
  fields: Record<string, string>,
  file: MultipartFile,
  boundary = '----pieces-bench-7f3a9c2e51d84b06',
): { body: Buffer; contentType: string } {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.filename}"\r\n` +
        `Content-Type: ${file.contentType}\r\n\r\n`,
    ),
    file.content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
