import { crc32, deflateSync } from 'node:zlib';
import { RECEIPT_DECLARED_TYPES, receiptStorageKey, sniffReceiptType } from './receipt-file.js';

/** One PNG chunk: length, type, data, CRC of type + data. */
function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** A valid 1×1 greyscale PNG: signature, IHDR, IDAT, IEND. */
function minimalPng(): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0); // width
  header.writeUInt32BE(1, 4); // height
  header[8] = 8; // bit depth
  header[9] = 0; // colour type: greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.from([0, 0]))), // one scanline: filter byte + one pixel
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

const PNG = minimalPng();
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n',
);
/** JPEG start-of-image, a JFIF APP0 segment and end-of-image. */
const JPEG = Buffer.from([
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01,
  0x00, 0x00, 0xff, 0xd9,
]);
const TEXT = Buffer.from('this is plain text pretending to be an image\n');
const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]), Buffer.alloc(56)]);
const MZ = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(256, 0x90)]);
const HTML = Buffer.from('<!DOCTYPE html><html><script>alert(document.cookie)</script></html>');

describe('receiptStorageKey', () => {
  const KEY = /^invoices\/[A-Za-z0-9-]+-[0-9a-f]{16}\.png$/;

  it('is invoices/<slug>-<16 hex digits>.<extension>', () => {
    const key = receiptStorageKey('Capture d’écran de 2021-04-05 18-55-45.png', 'png');
    expect(key).toMatch(KEY);
    expect(key).toMatch(/^invoices\/Capture-d-ecran-de-2021-04-05-18-55-45-[0-9a-f]{16}\.png$/);
  });

  it('uses the sniffed extension, not the one the client wrote', () => {
    const key = receiptStorageKey('scan.final.PDF', 'png');
    expect(key).toMatch(KEY);
    expect(key).toMatch(/^invoices\/scan-final-[0-9a-f]{16}\.png$/);
  });

  it.each([
    ['a relative path', '../../etc/passwd.png', 'passwd'],
    ['an absolute path', '/var/www/index.png', 'index'],
    ['a Windows path', 'C:\\Users\\me\\scan.png', 'scan'],
  ])('drops %s', (_, name, slug) => {
    const key = receiptStorageKey(name, 'png');
    expect(key).toMatch(KEY);
    expect(key.startsWith(`invoices/${slug}-`)).toBe(true);
    expect(key).not.toContain('..');
  });

  it('falls back to "piece" for a name with nothing usable', () => {
    expect(receiptStorageKey('dir/', 'png')).toMatch(/^invoices\/piece-[0-9a-f]{16}\.png$/);
    expect(receiptStorageKey('€€€.png', 'png')).toMatch(/^invoices\/piece-[0-9a-f]{16}\.png$/);
  });

  it('gives a different key to two uploads of the same name', () => {
    expect(receiptStorageKey('scan.png', 'png')).not.toBe(receiptStorageKey('scan.png', 'png'));
  });
});

describe('sniffReceiptType', () => {
  it('builds a PNG that starts with the PNG signature', () => {
    expect(PNG.subarray(0, 8)).toEqual(Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'));
  });

  describe('accepts real files declared with an accepted type', () => {
    it.each([
      ['a PNG', PNG, 'image/png', { mimeType: 'image/png', extension: 'png' }],
      ['a PDF', PDF, 'application/pdf', { mimeType: 'application/pdf', extension: 'pdf' }],
      [
        'a PDF as application/x-pdf',
        PDF,
        'application/x-pdf',
        { mimeType: 'application/pdf', extension: 'pdf' },
      ],
      ['a JPEG', JPEG, 'image/jpeg', { mimeType: 'image/jpeg', extension: 'jpg' }],
      ['a JPEG as image/jpg', JPEG, 'image/jpg', { mimeType: 'image/jpeg', extension: 'jpg' }],
      [
        'a PNG with an upper-case declared type',
        PNG,
        'IMAGE/PNG',
        { mimeType: 'image/png', extension: 'png' },
      ],
    ])('%s', async (_, content, declared, expected) => {
      await expect(sniffReceiptType(content, declared)).resolves.toEqual(expected);
    });

    it('reports the type found in the content when the declared type is another accepted one', async () => {
      await expect(sniffReceiptType(PNG, 'application/pdf')).resolves.toEqual({
        mimeType: 'image/png',
        extension: 'png',
      });
    });
  });

  describe('refuses', () => {
    it.each([
      ['a text file declared image/png', TEXT, 'image/png'],
      ['an HTML page declared application/pdf', HTML, 'application/pdf'],
      ['an ELF executable declared application/pdf', ELF, 'application/pdf'],
      ['a Windows (MZ) executable declared application/pdf', MZ, 'application/pdf'],
      ['an empty file declared image/png', Buffer.alloc(0), 'image/png'],
      [
        'a GIF, a real image the seed does not accept',
        Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'),
        'image/png',
      ],
    ])('%s', async (_, content, declared) => {
      await expect(sniffReceiptType(content, declared)).resolves.toBeNull();
    });

    it.each([['text/plain'], ['application/octet-stream'], ['image/gif'], ['']])(
      'a real PNG declared as %j',
      async (declared) => {
        await expect(sniffReceiptType(PNG, declared)).resolves.toBeNull();
      },
    );
  });

  it('accepts exactly the declared types of seed 002', () => {
    expect(RECEIPT_DECLARED_TYPES).toEqual([
      'application/pdf',
      'application/x-pdf',
      'image/jpg',
      'image/jpeg',
      'image/png',
    ]);
  });
});
