import { describe, expect, it } from 'vitest'
import { renderOpenBadgeCredential } from './certificate.badge.ts'
import type { CertificateDocument } from './certificate.document.ts'
import { renderCertificateHtml } from './certificate.html.ts'
import { renderCertificatePdf } from './certificate.pdf.ts'

const doc: CertificateDocument = {
  id: '3f1e8a64-0000-4000-8000-000000000001',
  holderName: 'Dr Zoë <Ortiz> & "Co"',
  holderEmail: 'Zoe@Example.org',
  organisation: { id: 'org-1', slug: 'st-marys', name: "St Mary's Teaching" },
  issuedAt: '2026-08-31T09:30:00.000Z',
  expiresAt: '2027-02-28T09:30:00.000Z',
  validityMonths: 6,
  verificationUrl: 'https://rounds.example/api/certificates/3f1e8a64-0000-4000-8000-000000000001',
  issuerUrl: 'https://rounds.example/api/public/orgs/st-marys/issuer',
  organisationUrl: 'https://rounds.example/orgs/st-marys',
  achievementUrl: 'https://rounds.example/api/public/orgs/st-marys/achievement',
}

describe('the Open Badges 3.0 credential', () => {
  const vc = renderOpenBadgeCredential(doc)

  it('has the VC 2.0 / OB 3.0 shape', () => {
    expect(vc['@context']).toEqual([
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    ])
    expect(vc.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential'])
    expect(vc.issuer).toEqual({
      id: doc.issuerUrl,
      type: ['Profile'],
      name: "St Mary's Teaching",
      url: doc.organisationUrl,
    })
    expect(vc.validFrom).toBe(doc.issuedAt)
    expect(vc.validUntil).toBe(doc.expiresAt)
    expect(vc.credentialSubject.type).toEqual(['AchievementSubject'])
    expect(vc.credentialSubject.achievement).toMatchObject({
      id: doc.achievementUrl,
      type: ['Achievement'],
      criteria: { narrative: expect.stringMatching(/6 months/) },
    })
    expect(vc).not.toHaveProperty('proof')
  })

  it('identifies the holder by a salted hash of the email, case-insensitively, never the address itself', () => {
    const [email] = vc.credentialSubject.identifier
    expect(email).toMatchObject({ identityType: 'emailAddress', hashed: true, salt: doc.id })
    const again = renderOpenBadgeCredential({ ...doc, holderEmail: 'zoe@example.org' })
    expect(again.credentialSubject.identifier[0]?.identityHash).toBe(email?.identityHash)
    expect(JSON.stringify(vc).toLowerCase()).not.toContain('zoe@example.org')
  })
})

describe('the printable page', () => {
  const html = renderCertificateHtml(doc)
  it('escapes every value and loads nothing', () => {
    expect(html).toContain('Dr Zoë &lt;Ortiz&gt; &amp; &quot;Co&quot;')
    expect(html).toContain('St Mary&#39;s Teaching')
    expect(html).not.toContain('<Ortiz>')
    expect(html).not.toMatch(/<script|<link|src=|@import/i)
  })
  it('shows the dates and where to check it', () => {
    expect(html).toContain('31 August 2026')
    expect(html).toContain('28 February 2027')
    expect(html).toContain(doc.verificationUrl)
  })
})

describe('the PDF', () => {
  it('is a PDF, the same bytes every time it is rendered', async () => {
    const a = await renderCertificatePdf(doc)
    expect(a.subarray(0, 5).toString('latin1')).toBe('%PDF-')
    expect(a.length).toBeGreaterThan(1000)
    const b = await renderCertificatePdf(doc)
    // pdfkit writes a random document id and random subset-font tags; everything else must match.
    const strip = (buf: Buffer) =>
      buf
        .toString('latin1')
        .replace(/\/ID \[<[0-9a-f]+> <[0-9a-f]+>\]/, '')
        .replace(/\/[A-Z]{6}\+/g, '/TAG+')
    expect(strip(b)).toBe(strip(a))
  })

  it.each([
    'Zoë Ødegård',
    'Łukasz Żak',
    'Nguyễn Thị Minh Khai',
    '王芳',
    'Ірина Коваленко',
    'Ελένη Παπαδοπούλου',
    'فاطمة الزهراء',
    'Dr 王芳',
    'O’Brien – “Dr”',
  ])('prints the name %s as written, in an embedded font', async (name) => {
    const pdf = await renderCertificatePdf({ ...doc, holderName: name })
    const { text, fonts } = await extractPdf(pdf)
    // Arabic is stored in visual order; compare its letters, not their sequence.
    const letters = (s: string) => [...s.replace(/\s+/g, '')].sort().join('')
    const line = text.find((t) => letters(t) === letters(name))
    expect(line, `no line reads ${name}; lines: ${JSON.stringify(text)}`).toBeDefined()
    if (!/\p{Script=Arabic}/u.test(name)) expect(text).toContain(name)
    expect(fonts.length).toBeGreaterThan(0)
    for (const f of fonts) {
      expect(f.name).toMatch(/^[A-Z]{6}\+Noto/)
      expect(f.embedded).toBe(true)
    }
  })

  it('keeps a mixed-script organisation name on the page', async () => {
    const pdf = await renderCertificatePdf({
      ...doc,
      organisation: { ...doc.organisation, name: '北京协和医院 Teaching' },
    })
    const { text } = await extractPdf(pdf)
    expect(text.join('')).toContain('Issued by 北京协和医院 Teaching')
  })
})

/**
 * The text lines of a PDF as pdf.js reads them (through each font's ToUnicode map), and the
 * fonts its page uses: every one a subset of an embedded Noto font, none a standard font.
 */
async function extractPdf(
  pdf: Buffer,
): Promise<{ text: string[]; fonts: Array<{ name: string; embedded: boolean }> }> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs')
  const loaded = await pdfjs.getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, verbosity: 0 })
    .promise
  const page = await loaded.getPage(1)
  const content = await page.getTextContent()
  const lines: string[] = []
  let current = ''
  for (const item of content.items) {
    if (!('str' in item)) continue
    current += item.str
    if (item.hasEOL) {
      lines.push(current)
      current = ''
    }
  }
  if (current) lines.push(current)
  await loaded.cleanup()
  const raw = pdf.toString('latin1')
  const fonts = [...raw.matchAll(/\/Type \/FontDescriptor[\s\S]*?>>/g)].map((m) => ({
    name: /\/FontName \/([^\s/]+)/.exec(m[0])?.[1] ?? '',
    embedded: /\/FontFile[23]? /.test(m[0]),
  }))
  if (/\/BaseFont \/(Helvetica|Times|Courier)/.test(raw))
    fonts.push({ name: 'standard font', embedded: false })
  return { text: lines.map((l) => l.trim()).filter(Boolean), fonts }
}
