import {
  ACHIEVEMENT_DESCRIPTION,
  type CertificateDocument,
  certificateLines,
} from './certificate.document.ts'

/**
 * The printable certificate: one self-contained HTML page, A4 landscape when printed, with
 * no scripts, fonts or images to fetch. Every value is escaped.
 */
export function renderCertificateHtml(d: CertificateDocument): string {
  const l = certificateLines(d)
  const e = escapeHtml
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(l.heading)} · ${e(l.holder)}</title>
<style>
  @page { size: A4 landscape; margin: 12mm; }
  * { box-sizing: border-box; }
  body { margin: 0; font-family: Georgia, 'Times New Roman', serif; color: #1b2733; background: #f3f5f7; }
  main { max-width: 270mm; margin: 24px auto; background: #fff; border: 6px double #27506b; padding: 40px 56px; text-align: center; }
  .brand { font: 600 14px/1 system-ui, sans-serif; letter-spacing: .2em; text-transform: uppercase; color: #27506b; }
  h1 { font-size: 40px; margin: 20px 0 8px; font-weight: normal; }
  .holder { font-size: 34px; font-weight: bold; margin: 12px 0; }
  .body, .org { font-size: 18px; margin: 8px 0; }
  .description { font-size: 14px; color: #3d4b57; max-width: 60em; margin: 16px auto; }
  .dates { font: 15px/1.4 system-ui, sans-serif; margin-top: 24px; }
  .meta { font: 12px/1.5 system-ui, sans-serif; color: #52616d; margin-top: 20px; word-break: break-all; }
  .hint { font: 13px system-ui, sans-serif; color: #52616d; text-align: center; }
  @media print { body { background: #fff; } main { margin: 0; max-width: none; } .hint { display: none; } }
</style>
</head>
<body>
<p class="hint">Use your browser's Print command to print this certificate or save it as a PDF.</p>
<main>
  <div class="brand">Rounds</div>
  <h1>${e(l.heading)}</h1>
  <p class="body">${e(l.preamble)}</p>
  <p class="holder">${e(l.holder)}</p>
  <p class="body">${e(l.body)}</p>
  <p class="description">${e(ACHIEVEMENT_DESCRIPTION)}</p>
  <p class="org">${e(l.organisation)}</p>
  <p class="dates">${e(l.dates)}</p>
  <p class="meta">${e(l.reference)}<br>${e(l.verify)}</p>
</main>
</body>
</html>
`
}

export function escapeHtml(s: string): string {
  return s
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
}
