import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import sharp, { type OutputInfo } from 'sharp'
import type { Finding, MediaBox } from '#src/capabilities/screening/screening.schema.ts'
import { AppError } from '#src/platform/errors.ts'

/**
 * Face detection with @vladmandic/face-api (SSD MobileNet v1) on TensorFlow.js's WebAssembly
 * backend. The model weights ship in the face-api package and the .wasm binaries in
 * @tensorflow/tfjs-backend-wasm; both are read from node_modules, nothing is downloaded.
 * tfjs-node is not used: its install step downloads libtensorflow.
 */

const require = createRequire(import.meta.url)

type FaceApi = typeof import('@vladmandic/face-api')
type Tf = typeof import('@tensorflow/tfjs')

export type DetectedFace = { box: MediaBox; score: number }

/** Faces below this detector confidence are not reported. */
export const FACE_MIN_CONFIDENCE = 0.5

/** Images are shrunk to this long side before detection (SSD looks at 512 × 512 anyway). */
const DETECT_LONG_SIDE = 1280

let loading: Promise<{ faceapi: FaceApi; tf: Tf }> | undefined

/** Loads the backend and the detector once per process. */
export function loadFaceDetector(): Promise<{ faceapi: FaceApi; tf: Tf }> {
  loading ??= (async () => {
    const tf = require('@tensorflow/tfjs') as Tf
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm')
    const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi
    const wasmDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))
    wasm.setWasmPaths(`${wasmDir}/`, true)
    // tfjs fetches its .wasm with fetch(), which cannot read files: serve the package's own
    // binaries from disk, and refuse anything else (so no network fetch can happen).
    const platform = tf.env().platform as { fetch: (p: string, init?: unknown) => Promise<Response> }
    platform.fetch = async (p: string) => {
      const file = path.resolve(p)
      if (!file.startsWith(`${wasmDir}${path.sep}`) || !file.endsWith('.wasm'))
        throw new Error('face detector: refusing to fetch a file outside the wasm package')
      return new Response(await readFile(file), { headers: { 'content-type': 'application/wasm' } })
    }
    await tf.setBackend('wasm')
    await tf.ready()
    const modelDir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model')
    await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelDir)
    return { faceapi, tf }
  })()
  loading.catch(() => {
    loading = undefined
  })
  return loading
}

/**
 * Finds faces in an image (any format sharp reads). Boxes are in pixels of the image as
 * displayed (EXIF orientation applied), the same frame OCR boxes use.
 */
export async function detectFaces(image: Buffer): Promise<DetectedFace[]> {
  const { faceapi, tf } = await loadFaceDetector()
  let decoded: { data: Buffer; info: OutputInfo }
  let width: number
  let height: number
  try {
    const meta = await sharp(image, { limitInputPixels: 100_000_000 }).metadata()
    const swap = (meta.orientation ?? 1) >= 5
    width = (swap ? meta.height : meta.width) ?? 0
    height = (swap ? meta.width : meta.height) ?? 0
    const scale = Math.min(1, DETECT_LONG_SIDE / Math.max(width, height))
    decoded = await sharp(image, { limitInputPixels: 100_000_000, failOn: 'error' })
      .rotate()
      .resize(Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale)))
      .flatten({ background: '#ffffff' })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true })
  } catch {
    throw new AppError('MEDIA_UNREADABLE', {
      message: 'The image could not be decoded: the file is truncated, corrupt or not an image.',
    })
  }
  const { data, info } = decoded
  const tensor = tf.tensor3d(
    new Uint8Array(data.buffer, data.byteOffset, data.length),
    [info.height, info.width, info.channels],
    'int32',
  )
  try {
    const found = await faceapi.detectAllFaces(
      tensor as unknown as Parameters<FaceApi['detectAllFaces']>[0],
      new faceapi.SsdMobilenetv1Options({ minConfidence: FACE_MIN_CONFIDENCE, maxResults: 100 }),
    )
    const sx = width / info.width
    const sy = height / info.height
    return found.map((d) => {
      const x = Math.max(0, Math.floor(d.box.x * sx))
      const y = Math.max(0, Math.floor(d.box.y * sy))
      const x1 = Math.min(width, Math.ceil((d.box.x + d.box.width) * sx))
      const y1 = Math.min(height, Math.ceil((d.box.y + d.box.height) * sy))
      return { box: { x, y, width: x1 - x, height: y1 - y }, score: Math.round(d.score * 1000) / 1000 }
    })
  } finally {
    tensor.dispose()
  }
}

const FACE_CITATION =
  'HIPAA Privacy Rule, 45 CFR 164.514(b)(2)(i)(Q): full-face photographs and comparable images; GMC, Making and using visual and audio recordings of patients (2013)'

/** A face as a screening finding: a `photo` finding that blocks unless consent covers it. */
export function faceFinding(face: DetectedFace, extra: { time?: number } = {}): Finding {
  return {
    ruleId: 'confidentiality.photo',
    pack: 'confidentiality',
    category: 'photo',
    severity: 'block',
    field: 'body',
    start: 0,
    end: 0,
    box: face.box,
    ...(extra.time !== undefined ? { time: extra.time } : {}),
    text: '',
    message: `A face is visible (detector confidence ${Math.round(face.score * 100)}%). A face identifies the patient unless they have consented to its use.`,
    citation: FACE_CITATION,
    suggestion: 'Blur the face, crop it out, or attach the patient’s consent record.',
  }
}
