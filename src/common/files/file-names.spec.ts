import { slugify, stripExtension } from './file-names.js';

describe('slugify', () => {
  it("turns seed 002's screenshot name into its stored form", () => {
    expect(slugify('Capture d’écran de 2021-04-05 18-55-45')).toBe('Capture-d-ecran-de-2021-04-05-18-55-45');
  });

  it('removes accents and keeps the case', () => {
    expect(slugify('Ça coûte 12€')).toBe('Ca-coute-12');
    expect(slugify('Reçu Été')).toBe('Recu-Ete');
    expect(slugify('Œuvre ß Æther Øre')).toBe('OEuvre-ss-AEther-Ore');
  });

  it('collapses runs of other characters into one dash and trims dashes', () => {
    expect(slugify('  facture -- n° 12 !! ')).toBe('facture-n-12');
  });

  it.each([
    ['an empty name', ''],
    ['only symbols', '!!!'],
    ['only dashes', '---'],
    ['only non-Latin letters', '日本語'],
  ])('falls back to "piece" for %s', (_, name) => {
    expect(slugify(name)).toBe('piece');
  });

  it('keeps at most 100 characters and no trailing dash after cutting', () => {
    expect(slugify('a'.repeat(120))).toBe('a'.repeat(100));
    expect(slugify(`${'a'.repeat(99)} b`)).toBe('a'.repeat(99));
  });
});

describe('stripExtension', () => {
  it('drops the last extension and any directory a client sent', () => {
    expect(stripExtension('facture.2021.pdf')).toBe('facture.2021');
    expect(stripExtension('../../etc/passwd.png')).toBe('passwd');
    expect(stripExtension('C:\\Users\\me\\scan.jpg')).toBe('scan');
    expect(stripExtension('.hidden')).toBe('.hidden');
  });
});
