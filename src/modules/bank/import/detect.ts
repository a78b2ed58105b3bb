import type { StatementFormat } from './statement.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Windows-1252's 0x80–0x9F (€, ‚, ƒ, „, …, Œ, ‘, ’, “, ”, –, —, ™, œ, Ÿ...); the rest is Latin-1. Written
 * out because Node's TextDecoder('windows-1252') decodes these bytes as Latin-1 control characters.
 */
const CP1252_HIGH =
  '\u20ac\ufffd\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\ufffd\u017d\ufffd' +
  '\ufffd\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\ufffd\u017e\u0178';

function decodeWindows1252(content: Buffer): string {
  return content.toString('latin1').replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]);
}

/**
 * The text of a statement file: UTF-8 (with or without BOM) or UTF-16 with a BOM; anything that is not
 * valid UTF-8 is read as Windows-1252, which French banks still export. Null for a binary file.
 */
export function decodeStatement(content: Buffer): string | null {
  if (content[0] === 0xff && content[1] === 0xfe)
    return new TextDecoder('utf-16le').decode(content.subarray(2));
  if (content[0] === 0xfe && content[1] === 0xff)
    return new TextDecoder('utf-16be').decode(content.subarray(2));
  if (content.includes(0)) return null;
  try {
    return utf8.decode(content).replace(/^\uFEFF/, '');
  } catch {
    return decodeWindows1252(content);
  }
}

/**
 * The format of a statement by its content: an OFX header or <OFX> element, a camt.053 XML document, or
 * else delimited text. Null for what is none of them (another XML document, a PDF, a spreadsheet).
 */
export function detectStatementFormat(text: string): StatementFormat | null {
  const head = text.slice(0, 8192).trimStart();
  if (/^OFXHEADER\s*:/i.test(head) || /<OFX>/i.test(head)) return 'ofx';
  if (head.startsWith('<')) {
    return /<([A-Za-z][\w.-]*:)?BkToCstmrStmt[\s>]/.test(text.slice(0, 65536)) ? 'camt053' : null;
  }
  if (head.startsWith('%PDF') || head.startsWith('PK')) return null;
  return /[;,\t|]/.test(head) ? 'csv' : null;
}
