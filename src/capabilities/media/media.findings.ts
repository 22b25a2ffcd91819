import type { ItemFields } from '#src/capabilities/content/content.schema.ts'
import type { Finding, Report } from '#src/capabilities/screening/screening.schema.ts'
import type { Executor } from '#src/platform/db/database.ts'
import { listUploadsByIds } from './media.repository.ts'

/**
 * Findings about a file's metadata (DICOM header attributes, video container tags such as a
 * GPS position). Only derivatives are ever published and they carry none of it, so these
 * inform the author and do not block the item.
 */
const STRIPPED = new Set(['confidentiality.dicom-header', 'confidentiality.media-metadata'])

/**
 * The findings an item's media slots contribute to its screening report at submission.
 * A screened file contributes what screening found in it, except that a face (`photo`) does
 * not block when a consent record on the item names the file, and a region covered by the
 * redacted derivative no longer blocks. Whether a video has captions is the item's own screening's
 * call (it reads the item's captions field, which an uploaded SRT or VTT fills): a file's "no
 * captions" finding, made when the file was screened, informs once the item has captions and is
 * left out while it has none (the item's report already says so). A file still arriving or being screened blocks (it
 * cannot be approved unseen); so does one that was refused and left in its slot.
 */
export async function mediaFindingsForItem(
  db: Executor,
  itemId: string,
  fields: Pick<ItemFields, 'media' | 'consents' | 'captions'>,
): Promise<Finding[]> {
  const uploads = await listUploadsByIds(
    db,
    fields.media.map((m) => m.id),
  )
  const out: Finding[] = []
  for (const slot of fields.media) {
    const upload = uploads.find((u) => u.id === slot.id && u.itemId === itemId)
    if (!upload) continue
    const base = {
      pack: 'confidentiality' as const,
      field: 'media' as const,
      start: 0,
      end: 1,
      uploadId: upload.id,
      text: upload.filename,
      citation: 'Rounds media screening',
    }
    if (upload.status === 'rejected') {
      out.push({
        ...base,
        ruleId: 'media.rejected',
        category: 'media',
        severity: 'block',
        message: `The file was refused: ${upload.error?.message ?? 'it could not be read'}.`,
        suggestion: 'Remove it from the item, or upload a readable copy.',
      })
      continue
    }
    if (upload.status !== 'ready') {
      out.push({
        ...base,
        ruleId: 'media.not-screened',
        category: 'media',
        severity: 'block',
        message: 'The file has not finished screening.',
        suggestion: 'Wait for screening to finish, then submit again.',
      })
      continue
    }
    const consented = fields.consents.some((c) => c.fileId === upload.id)
    const covered = new Set(upload.derivatives.find((d) => d.name === 'redacted')?.covers ?? [])
    upload.findings.forEach((f, i) => {
      if (f.severity === 'block' && STRIPPED.has(f.ruleId))
        out.push({
          ...f,
          severity: 'info',
          message: `Removed from every file Rounds publishes. ${f.message}`,
        })
      else if (f.ruleId === 'platform.captions') {
        if (fields.captions.trim())
          out.push({ ...f, severity: 'info', message: `The item's captions go with it. ${f.message}` })
      } else if (f.severity === 'block' && covered.has(i))
        out.push({ ...f, severity: 'info', message: `Redacted in the published image. ${f.message}` })
      else if (f.severity === 'block' && f.category === 'photo' && consented)
        out.push({ ...f, severity: 'info', message: `Consent on record for this file. ${f.message}` })
      else out.push(f)
    })
  }
  return out
}

/** The report with media findings added and the counts recomputed. */
export function withMediaFindings(report: Report, media: readonly Finding[]): Report {
  if (media.length === 0) return report
  const findings = [...report.findings, ...media]
  const counts = { block: 0, warn: 0, info: 0 }
  for (const f of findings) counts[f.severity]++
  return { ...report, findings, counts }
}
