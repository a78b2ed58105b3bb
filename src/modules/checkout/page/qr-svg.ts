import { encode } from 'uqr';
import { escapeHtml } from './html.js';

/**
 * A QR code as inline SVG markup, made on the server: no script, no image request, nothing for the CSP
 * to allow. One path of unit squares on a white square with the 4-module quiet zone ISO/IEC 18004 asks
 * for; error correction M (15%), enough for a phone's camera on a screen. Only numbers come from the
 * input: the markup needs no escaping beyond `label`'s.
 */
export function qrSvg(text: string, label: string): string {
  const qr = encode(text, { ecc: 'M', border: 4 });
  const size = qr.size;
  let path = '';
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (qr.data[y][x]) path += `M${x} ${y}h1v1h-1z`;
    }
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" width="${size * 6}" ` +
    `height="${size * 6}" shape-rendering="crispEdges" role="img" aria-label="${escapeHtml(label)}">` +
    `<rect width="${size}" height="${size}" fill="#fff"/><path d="${path}" fill="#000"/></svg>`
  );
}
