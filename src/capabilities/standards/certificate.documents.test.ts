import { describe, expect, it } from 'vitest'
import { renderOpenBadgeCredential } from './certificate.badge.ts'
import type { CertificateDocument } from './certificate.document.ts'
import { renderCertificateHtml } from './certificate.html.ts'
import { renderCertificatePdf, winAnsi } from './certificate.pdf.ts'

const doc: CertificateDocument = {
  id: '3f1e8a64-0000-4000-8000-000000000001',
  holderName: 'Dr Zoë <Ortiz> & "Co"',
  holderEmail: 'Zoe@Example.org',
  organisation: { id: 'org-1', slug: 'st-marys', name: "St Mary's Teaching" },
  issuedAt: '2026-08-31T09:30:00.000Z',
  expiresAt: '2027-02-28T09:30:00.000Z',
  validityMonths: 6,
  verificationUrl: 'https://rounds.example/api/certificates/3f1e8a64-0000-4000-8000-000000000001',
  issuerUrl: 'https://rounds.example/orgs/st-marys',
  achievementUrl: 'https://rounds.example/orgs/st-marys/training',
}

describe('the Open Badges 3.0 credential', () => {
  const vc = renderOpenBadgeCredential(doc)

  it('has the VC 2.0 / OB 3.0 shape', () => {
    expect(vc['@context']).toEqual([
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    ])
    expect(vc.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential'])
    expect(vc.issuer).toEqual({ id: doc.issuerUrl, type: ['Profile'], name: "St Mary's Teaching" })
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
    // pdfkit writes a random document id; everything else must match.
    const strip = (buf: Buffer) => buf.toString('latin1').replace(/\/ID \[<[0-9a-f]+> <[0-9a-f]+>\]/, '')
    expect(strip(b)).toBe(strip(a))
  })

  it.each([
    ['Zoë Ortiz', 'Zoë Ortiz'],
    ['Łukasz Żak', 'Lukasz Zak'],
    ['Nguyễn Thị', 'Nguyen Thi'],
    ['王小明', '???'],
    ['O’Brien – “Dr”', 'O’Brien – “Dr”'],
  ])('keeps %s printable in the standard fonts as %s', (name, shown) => {
    expect(winAnsi(name)).toBe(shown)
  })
})
