import PDFDocument from 'pdfkit'
import {
  ACHIEVEMENT_DESCRIPTION,
  type CertificateDocument,
  certificateLines,
} from './certificate.document.ts'
import {
  FAMILIES,
  type FontFace,
  type FontFamily,
  fontBytes,
  fontName,
  fontRuns,
  type Run,
} from './certificate.fonts.ts'

/**
 * The certificate as an A4 landscape PDF. Text is set in embedded Noto fonts (subset to the
 * glyphs used), so names in any of Latin, Greek, Cyrillic, Arabic or Chinese script print as
 * written and can be searched and copied; see certificate.fonts.ts.
 */
export async function renderCertificatePdf(d: CertificateDocument): Promise<Buffer> {
  const l = certificateLines(d)
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 56,
    info: {
      Title: `${l.heading}: ${d.holderName}`,
      Author: d.organisation.name,
      Subject: 'Rounds training certificate',
      Creator: 'Rounds',
      // Fixed dates keep the document the same however often it is downloaded.
      CreationDate: new Date(d.issuedAt),
      ModDate: new Date(d.issuedAt),
    },
  })
  for (const family of FAMILIES)
    for (const face of ['regular', 'bold'] as const)
      doc.registerFont(fontName(family, face), fontBytes(family, face))
  const chunks: Buffer[] = []
  doc.on('data', (c: Buffer) => chunks.push(c))
  const finished = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve())
    doc.on('error', reject)
  })

  const { width, height } = doc.page
  const inner = width - 2 * 56
  doc
    .lineWidth(3)
    .strokeColor('#27506b')
    .rect(24, 24, width - 48, height - 48)
    .stroke()
  doc
    .lineWidth(1)
    .rect(32, 32, width - 64, height - 64)
    .stroke()

  // The body flows, so a long name or organisation wraps instead of overlapping.
  const centred = { width: inner, align: 'center' as const }
  const latin = (face: FontFace) => doc.font(fontName('latin', face))
  latin('bold').fillColor('#27506b').fontSize(12).text('R O U N D S', 56, 70, centred)
  latin('regular').moveDown(0.8).fillColor('#1b2733').fontSize(34).text(l.heading, centred)
  doc.moveDown(0.6).fontSize(16).text(l.preamble, centred)
  doc.moveDown(0.4)
  writeCentred(doc, l.holder, 'bold', 28, 56, inner)
  latin('regular').moveDown(0.4).fontSize(15).text(l.body, 56, doc.y, centred)
  doc
    .moveDown(0.8)
    .fillColor('#3d4b57')
    .fontSize(11)
    .text(ACHIEVEMENT_DESCRIPTION, 120, doc.y, {
      width: width - 240,
      align: 'center',
    })
  doc.moveDown(1).fillColor('#1b2733')
  writeCentred(doc, l.organisation, 'regular', 15, 56, inner)
  doc.moveDown(0.6)
  writeCentred(doc, l.dates, 'regular', 12, 56, inner)
  latin('regular').fillColor('#52616d').fontSize(9)
  doc.text(l.reference, 56, height - 100, { width: inner, align: 'center' })
  doc.text(l.verify, 56, height - 86, { width: inner, align: 'center', link: d.verificationUrl })
  doc.end()
  await finished
  return Buffer.concat(chunks)
}

/**
 * Writes one centred paragraph at the current y. Text in one font flows and wraps; text that
 * mixes scripts (a Latin title and a Chinese name) is set run by run on one line, made smaller
 * if it would not fit.
 */
function writeCentred(
  doc: PDFKit.PDFDocument,
  text: string,
  face: FontFace,
  size: number,
  left: number,
  width: number,
): void {
  const runs = visualOrder(fontRuns(text))
  const [only] = runs
  if (runs.length <= 1) {
    doc
      .font(fontName(only?.family ?? 'latin', face))
      .fontSize(size)
      .text(text, left, doc.y, { width, align: 'center', ...shaping(only?.family ?? 'latin') })
    return
  }
  const measure = (s: number) =>
    runs.reduce(
      (w, r) => w + doc.font(fontName(r.family, face)).fontSize(s).widthOfString(r.text, shaping(r.family)),
      0,
    )
  let s = size
  while (s > 6 && measure(s) > width) s -= 1
  const y = doc.y
  let x = left + (width - measure(s)) / 2
  let lineHeight = 0
  for (const r of runs) {
    doc.font(fontName(r.family, face)).fontSize(s)
    doc.text(r.text, x, y, { lineBreak: false, ...shaping(r.family) })
    x += doc.widthOfString(r.text, shaping(r.family))
    lineHeight = Math.max(lineHeight, doc.currentLineHeight(true))
  }
  doc.x = left
  doc.y = y + lineHeight
}

/**
 * Noto Sans's glyph composition (ccmp) splits letters such as "ị" into a base and a combining
 * mark; pdfkit then maps the mark to no character, so the text copies wrongly. Latin, Greek
 * and Cyrillic have precomposed glyphs for what names use, so composition is turned off for
 * them; Arabic and Chinese keep the font's full shaping.
 */
function shaping(family: FontFamily): { features?: PDFKit.Mixins.OpenTypeFeatures[] } {
  return family === 'latin'
    ? { features: { ccmp: false } as unknown as PDFKit.Mixins.OpenTypeFeatures[] }
    : {}
}

/**
 * pdfkit lays out a line as one left-to-right string, and drops the spaces of a right-to-left
 * run once fontkit has reversed its glyphs. So an Arabic run is set word by word, the words
 * placed right to left with a space between them (each word is shaped and reversed by fontkit).
 * Runs themselves stay in reading order: the certificate's lines are left-to-right paragraphs.
 */
function visualOrder(runs: Run[]): Run[] {
  const out: Run[] = []
  for (const r of runs) {
    if (r.family !== 'arabic' || !/\s/.test(r.text.trim())) {
      out.push(r)
      continue
    }
    const lead = /^\s*/.exec(r.text)?.[0] ?? ''
    const trail = /\s*$/.exec(r.text)?.[0] ?? ''
    if (lead) out.push({ family: 'latin', text: lead })
    const words = r.text.trim().split(/\s+/).reverse()
    words.forEach((w, i) => {
      if (i > 0) out.push({ family: 'latin', text: ' ' })
      out.push({ family: 'arabic', text: w })
    })
    if (trail) out.push({ family: 'latin', text: trail })
  }
  return out
}
