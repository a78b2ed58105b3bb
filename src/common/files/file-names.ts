/** Letters that Unicode decomposition does not bring down to ASCII. */
const LIGATURES: Record<string, string> = {
  Œ: 'OE',
  œ: 'oe',
  Æ: 'AE',
  æ: 'ae',
  ß: 'ss',
  Ø: 'O',
  ø: 'o',
  Ł: 'L',
  ł: 'l',
  Ð: 'D',
  ð: 'd',
  Þ: 'Th',
  þ: 'th',
};

/** A file name reduced to ASCII letters, digits and dashes, for storage keys and URLs. */
export function slugify(name: string): string {
  const slug = name
    .replace(/[ŒœÆæßØøŁłÐðÞþ]/g, (c) => LIGATURES[c] ?? c)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100)
    .replace(/-+$/g, '');
  return slug || 'piece';
}

/** The base name without its last extension; any directory part a client sent is dropped. */
export function stripExtension(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}
