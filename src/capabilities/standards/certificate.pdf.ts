import PDFDocument from 'pdfkit'
import {
  ACHIEVEMENT_DESCRIPTION,
  type CertificateDocument,
  certificateLines,
} from './certificate.document.ts'

/**
 * The certificate as an A4 landscape PDF, set in the PDF standard fonts (Helvetica and
 * Times, built into every reader), so nothing is embedded or fetched. Those fonts cover
 * Western European text (WinAnsi); other characters are shown without accents or as "?".
 */
export async function renderCertificatePdf(d: CertificateDocument): Promise<Buffer> {
  const l = certificateLines(d)
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 56,
    info: {
      Title: `${l.heading}: ${winAnsi(d.holderName)}`,
      Author: winAnsi(d.organisation.name),
      Subject: 'Rounds training certificate',
      Creator: 'Rounds',
      // Fixed dates keep the document the same however often it is downloaded.
      CreationDate: new Date(d.issuedAt),
      ModDate: new Date(d.issuedAt),
    },
  })
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
  doc.fillColor('#27506b').font('Helvetica-Bold').fontSize(12).text('R O U N D S', 56, 70, centred)
  doc.moveDown(0.8).fillColor('#1b2733').font('Times-Roman').fontSize(36).text(l.heading, centred)
  doc.moveDown(0.6).fontSize(16).text(l.preamble, centred)
  doc.moveDown(0.4).font('Times-Bold').fontSize(30).text(winAnsi(l.holder), centred)
  doc.moveDown(0.4).font('Times-Roman').fontSize(16).text(l.body, centred)
  doc
    .moveDown(0.8)
    .fillColor('#3d4b57')
    .fontSize(12)
    .text(ACHIEVEMENT_DESCRIPTION, 120, doc.y, {
      width: width - 240,
      align: 'center',
    })
  doc.moveDown(1).fillColor('#1b2733').fontSize(16).text(winAnsi(l.organisation), 56, doc.y, centred)
  doc.moveDown(0.6).font('Helvetica').fontSize(13).text(winAnsi(l.dates), centred)
  doc.fillColor('#52616d').fontSize(9)
  doc.text(l.reference, 56, height - 100, { width: inner, align: 'center' })
  doc.text(l.verify, 56, height - 86, { width: inner, align: 'center', link: d.verificationUrl })
  doc.end()
  await finished
  return Buffer.concat(chunks)
}

// The characters WinAnsi (Windows-1252) adds above Latin-1's control range.
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ·')

// Latin letters with a stroke or bar have no decomposition into base letter + accent.
const UNDECOMPOSED: Record<string, string> = {
  Ł: 'L',
  ł: 'l',
  Đ: 'D',
  đ: 'd',
  Ħ: 'H',
  ħ: 'h',
  ı: 'i',
  Ŧ: 'T',
  ŧ: 't',
}

/** Keeps text the standard fonts can show: accents dropped where needed, "?" for the rest. */
export function winAnsi(text: string): string {
  let out = ''
  for (const ch of text.normalize('NFC')) {
    const code = ch.codePointAt(0) ?? 0
    if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(ch)) {
      out += ch
      continue
    }
    const base = (UNDECOMPOSED[ch] ?? ch).normalize('NFD').replace(/\p{M}/gu, '')
    out += base && [...base].every((c) => (c.codePointAt(0) ?? 0) <= 0x7e) ? base : '?'
  }
  return out
}
