// A small PDF made by the tests themselves (no fixture file, no tool): pages of
// 800×450 points, each with one coloured block, so a test can check from the
// rendered pixels which page a browser shows.
export interface PdfPage {
  /** The block's colour, 0..1 per channel. */
  rgb: [number, number, number];
  /** The block, in points from the bottom left (PDF's own coordinates). */
  rect: [number, number, number, number];
}

export const PAGE_W = 800;
export const PAGE_H = 450;

/** `padding`: bytes of comment after the header, to make a valid PDF of some size. */
export function makePdf(pages: PdfPage[], padding = 0): Buffer {
  const objects: string[] = [];
  const add = (body: string) => objects.push(body); // object number = index + 1
  add('<< /Type /Catalog /Pages 2 0 R >>');
  add(''); // the page tree, filled in below
  const kids: number[] = [];
  for (const p of pages) {
    const content = `${p.rgb.join(' ')} rg ${p.rect.join(' ')} re f`;
    add(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
    const contentNo = objects.length;
    add(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_W} ${PAGE_H}] /Contents ${contentNo} 0 R /Resources << >> >>`);
    kids.push(objects.length);
  }
  objects[1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;
  let out = `%PDF-1.4\n${padding ? `%${' '.repeat(padding)}\n` : ''}`;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
