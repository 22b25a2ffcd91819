import type { CompiledPolicy } from '#src/capabilities/screening/evaluate.ts'
import type { Finding, PolicyInput } from '#src/capabilities/screening/screening.schema.ts'
import { type DicomRendering, dicomHeaderFindings, parseDicom, renderDicom } from './dicom.ts'
import { detectFaces, faceFinding } from './faces.ts'
import { screenOcrLines } from './image-text.ts'
import type { OcrPool } from './ocr.ts'

/**
 * The media analysis entry points: what is in an image and what is in a DICOM file, as
 * screening findings with boxes. Uploads, storage and jobs call these; they touch no
 * database and no storage, only the bytes they are given.
 */

export { screenCaptions } from './captions.ts'
export { deidentifyDicom, dicomHeaderFindings, parseDicom, renderDicom, type UidMap } from './dicom.ts'
export { detectFaces, faceFinding, loadFaceDetector } from './faces.ts'
export { screenOcrLines } from './image-text.ts'
export { createOcrPool, type OcrPool } from './ocr.ts'
export { type RedactionRequest, redactImage } from './redact.ts'
export {
  analyseVideo,
  probeVideo,
  sampleFrames,
  stripVideoMetadata,
  type VideoAnalysis,
  type VideoProbe,
  type VideoProgress,
  videoMetadataFindings,
} from './video.ts'

export type AnalyseDeps = {
  ocr: OcrPool
  /** Run face detection (default true). */
  faces?: boolean
  policy?: PolicyInput | CompiledPolicy
}

export type ImageAnalysis = {
  width: number
  height: number
  /** The text read from the image; text findings' offsets point into it. */
  text: string
  findings: Finding[]
}

/** Reads the text in an image, screens it, and finds faces. Boxes are in pixels of the image as displayed. */
export async function analyseImage(image: Buffer, deps: AnalyseDeps): Promise<ImageAnalysis> {
  const ocr = await deps.ocr.recognise(image)
  const screened = screenOcrLines(ocr.lines, deps.policy ?? {})
  const faces = deps.faces === false ? [] : (await detectFaces(image)).map((f) => faceFinding(f))
  return {
    width: ocr.width,
    height: ocr.height,
    text: screened.text,
    findings: [...screened.findings, ...faces],
  }
}

export type DicomAnalysis = {
  /** The identifying header attributes, one a line; header findings point into it. */
  headerText: string
  headerFindings: Finding[]
  /** The first frame as an 8-bit PNG. */
  rendering: DicomRendering
  /** Burned-in text and faces found in the rendering. */
  imageText: string
  imageFindings: Finding[]
}

/**
 * A DICOM file: header findings, then the first frame rendered and read like an image.
 * A file without pixel data or with an undecodable encoding throws (DICOM_NO_PIXEL_DATA,
 * MEDIA_ENCODING_UNSUPPORTED) after the header is known to be readable.
 */
export async function analyseDicom(file: Buffer, deps: AnalyseDeps): Promise<DicomAnalysis> {
  const parsed = parseDicom(file)
  const header = dicomHeaderFindings(parsed)
  const rendering = await renderDicom(parsed)
  const image = await analyseImage(rendering.png, { ...deps, faces: deps.faces ?? false })
  return {
    headerText: header.text,
    headerFindings: header.findings,
    rendering,
    imageText: image.text,
    imageFindings: image.findings,
  }
}
