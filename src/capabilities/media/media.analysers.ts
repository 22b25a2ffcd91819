import type { CompiledPolicy } from '#src/capabilities/screening/evaluate.ts'
import type { Finding, MediaBox } from '#src/capabilities/screening/screening.schema.ts'
import type { RedactionSpan, RemovedMetadata, VideoRedaction } from './media.schema.ts'

/**
 * The analysis the screening pipeline calls, behind one port so the pipeline can be tested
 * with stand-ins and the analysers (src/capabilities/media/analyse) stay pure. The
 * implementations are wired in media.analysers.node.ts.
 */

export type AnalyseContext = {
  policy: CompiledPolicy
  signal: AbortSignal
  /** Reports progress within the step, 0–1. */
  progress(fraction: number, stage?: string): Promise<void>
}

export type RedactRegion = { box: MediaBox; mode: 'fill' | 'blur' }

export type DicomResult = {
  findings: Finding[]
  removed: RemovedMetadata[]
  /** The file after the PS3.15 Basic Application Level Confidentiality Profile. */
  deidentified: Buffer
  /** The pixel data rendered for social use (PNG), or null for a file without pixel data. */
  rendering: { png: Buffer; width: number; height: number } | null
}

export type VideoResult = {
  findings: Finding[]
  removed: RemovedMetadata[]
  /** Path of a copy with every metadata tag stripped (written by the analyser). */
  sanitisedPath: string
  mime: string
  duration: number
  width: number
  height: number
  /** Sampled frames (JPEG) for the reviewers' frame strip. */
  frames: Array<{ time: number; jpeg: Buffer; width: number; height: number }>
  /** Seconds between regular samples. */
  interval: number
  /** For each text or face finding (by index): the sampled frames its region was seen in. */
  sightings: Record<number, Array<{ time: number; box: MediaBox }>>
}

export type VideoRedactRequest = {
  spans: RedactionSpan[]
  /** The findings to look for in the redacted copy (text by OCR, faces by the detector). */
  targets: Array<{ finding: number; text: string; times: number[]; box: MediaBox; face?: boolean }>
}

export type VideoRedactResult = {
  check: NonNullable<VideoRedaction['check']>
  width: number
  height: number
  duration: number
}

export type MediaAnalysers = {
  /** Text (OCR, screened) and faces in a sanitised raster image; boxes in its pixels. */
  image(image: Buffer, ctx: AnalyseContext): Promise<Finding[]>
  /** DICOM: identifying attributes, de-identified copy, rendering (then read like an image). */
  dicom?(path: string, ctx: AnalyseContext & { workDir: string }): Promise<DicomResult>
  /** Video: probe, metadata stripped, frames sampled and read, captions checked. */
  video?(path: string, ctx: AnalyseContext & { workDir: string }): Promise<VideoResult>
  /**
   * Writes a redacted copy of a video (MP4) to `output`: the spans covered, no metadata, the
   * audio kept; then reads it again where it was redacted.
   */
  redactVideo?(
    input: string,
    output: string,
    request: VideoRedactRequest,
    ctx: Omit<AnalyseContext, 'policy'>,
  ): Promise<VideoRedactResult>
  /** Fills or blurs the regions of an image; returns the same format. */
  redact(image: Buffer, regions: RedactRegion[]): Promise<Buffer>
  close(): Promise<void>
}
