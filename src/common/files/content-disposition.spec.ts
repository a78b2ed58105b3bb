import { contentDisposition, safeFileHeaders } from './content-disposition.js';

/** RFC 6266 with one quoted ASCII `filename` and one RFC 8187 `filename*` made only of attr-chars. */
const HEADER =
  /^(inline|attachment); filename="((?:[\x20-\x7e](?<!["\\]))*)"; filename\*=UTF-8''([A-Za-z0-9!#$&+\-.^_`|~%]*)$/;

function parse(header: string): { type: string; fallback: string; encoded: string } {
  const match = HEADER.exec(header);
  if (!match) throw new Error(`not a well-formed Content-Disposition: ${header}`);
  return { type: match[1], fallback: match[2], encoded: match[3] };
}

describe('contentDisposition', () => {
  it('gives an ASCII fallback without accents and the exact UTF-8 name percent-encoded', () => {
    expect(contentDisposition('attachment', 'Reçu été.pdf')).toBe(
      `attachment; filename="Recu ete.pdf"; filename*=UTF-8''Re%C3%A7u%20%C3%A9t%C3%A9.pdf`,
    );
  });

  it("encodes seed 002's screenshot name", () => {
    const header = contentDisposition('inline', 'Capture d’écran de 2021-04-05 18-55-45.png');
    expect(parse(header)).toEqual({
      type: 'inline',
      fallback: 'Capture d_ecran de 2021-04-05 18-55-45.png',
      encoded: 'Capture%20d%E2%80%99%C3%A9cran%20de%202021-04-05%2018-55-45.png',
    });
  });

  it.each([
    ['a double quote', 'a"b.pdf'],
    ['a backslash', 'a\\b.pdf'],
    ['an escaped quote', 'a\\"; filename="evil.exe'],
    ['a closing quote then a new parameter', "x.pdf\"; filename*=UTF-8''evil.exe"],
    ['a line break that would start another header', 'x.pdf\r\nSet-Cookie: a=b'],
    ['a percent sign', '100%.pdf'],
    ["RFC 8187 delimiters ' ( ) *", "l'été (1)*.pdf"],
    ['only non-Latin characters', '日本語.pdf'],
    ['an emoji', '😀.png'],
  ])('stays one well-formed header with %s', (_, name) => {
    const { fallback, encoded } = parse(contentDisposition('attachment', name));
    expect(fallback).not.toMatch(/["\\\r\n]/);
    expect(decodeURIComponent(encoded)).toBe(name);
  });

  it('replaces quotes, backslashes and percent signs in the fallback', () => {
    expect(parse(contentDisposition('attachment', 'a"b\\c%d.pdf')).fallback).toBe('a_b_c_d.pdf');
  });

  it('falls back to "file" for an empty name', () => {
    expect(parse(contentDisposition('attachment', '')).fallback).toBe('file');
  });

  it('cuts the fallback to 150 characters and keeps the full name in filename*', () => {
    const name = `${'é'.repeat(200)}.pdf`;
    const { fallback, encoded } = parse(contentDisposition('attachment', name));
    expect(fallback).toBe('e'.repeat(150));
    expect(decodeURIComponent(encoded)).toBe(name);
  });
});

describe('safeFileHeaders', () => {
  it('serves the stored file with its type and size, never sniffed, sandboxed and not cached', () => {
    expect(
      safeFileHeaders({
        mimeType: 'application/pdf',
        size: 1234,
        fileName: 'Reçu.pdf',
        disposition: 'inline',
      }),
    ).toEqual({
      'Content-Type': 'application/pdf',
      'Content-Length': '1234',
      'Content-Disposition': `inline; filename="Recu.pdf"; filename*=UTF-8''Re%C3%A7u.pdf`,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Cache-Control': 'private, no-store',
      'Cross-Origin-Resource-Policy': 'same-origin',
    });
  });
});
