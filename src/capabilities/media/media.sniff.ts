import { extname } from 'node:path'
import { fileTypeFromBuffer } from 'file-type'
import { AppError } from '#src/platform/errors.ts'
import type { MediaKind } from './media.schema.ts'

/**
 * What a file really is, from its first bytes (file-type's magic numbers; DICOM's "DICM" at
 * offset 128; the WEBVTT header or an SRT cue for captions). The name only serves to catch
 * a mismatch (a PNG called scan.jpg is refused, so nobody is misled about what they sent).
 */

/** Accepted types. HEIC is absent on purpose: the libvips that sharp ships cannot decode HEVC. */
const ACCEPTED: Record<string, MediaKind> = {
  'image/jpeg': 'image',
  'image/png': 'image',
  'image/webp': 'image',
  'image/avif': 'image',
  'application/dicom': 'dicom',
  'video/mp4': 'video',
  'video/x-m4v': 'video',
  'video/quicktime': 'video',
  'video/webm': 'video',
  'text/vtt': 'captions',
  'application/x-subrip': 'captions',
}

const EXTENSIONS: Record<string, string[]> = {
  '.jpg': ['image/jpeg'],
  '.jpeg': ['image/jpeg'],
  '.png': ['image/png'],
  '.webp': ['image/webp'],
  '.avif': ['image/avif'],
  '.heic': ['image/heic'],
  '.heif': ['image/heic'],
  '.dcm': ['application/dicom'],
  '.dicom': ['application/dicom'],
  '.mp4': ['video/mp4', 'video/x-m4v'],
  '.m4v': ['video/mp4', 'video/x-m4v'],
  '.mov': ['video/quicktime', 'video/mp4'],
  '.webm': ['video/webm'],
  '.vtt': ['text/vtt'],
  '.srt': ['application/x-subrip'],
}

const SRT_CUE = /^\d+\r?\n\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}/

export type Sniffed = { kind: MediaKind; mime: string }

/** The kind and type of a file from its head (the first 4 kB is plenty). */
export async function sniffBytes(head: Uint8Array): Promise<{ mime: string } | null> {
  const type = await fileTypeFromBuffer(head)
  if (type) {
    // An MP4 brand file-type reports as audio (M4A) or a still (HEIC) is still told apart here.
    if (type.mime === 'image/heif' || type.mime === 'image/heic' || type.ext === 'heic')
      return { mime: 'image/heic' }
    return { mime: type.mime }
  }
  if (head.length >= 132 && Buffer.from(head.subarray(128, 132)).toString('latin1') === 'DICM')
    return { mime: 'application/dicom' }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head).replace(/^\uFEFF/, '')
  if (/^WEBVTT(?:[ \t].*)?(?:\r?\n|$)/.test(text)) return { mime: 'text/vtt' }
  if (SRT_CUE.test(text.trimStart())) return { mime: 'application/x-subrip' }
  return null
}

/**
 * Confirms the file (its head: the first 4 kB) is an accepted type, of the declared kind,
 * and named consistently. Throws UNSUPPORTED_MEDIA_TYPE or MEDIA_TYPE_MISMATCH with a message
 * a user can act on.
 */
export async function checkHead(head: Uint8Array, filename: string, declared: MediaKind): Promise<Sniffed> {
  const found = await sniffBytes(head)
  if (!found)
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', {
      message:
        'the file is not a type Rounds accepts: JPEG, PNG, WebP or AVIF images; DICOM scans; MP4, MOV or WebM video; SRT or VTT captions',
    })
  if (found.mime === 'image/heic')
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', {
      message:
        'HEIC photos cannot be processed here; export the photo as JPEG (or set the camera to "Most compatible") and upload that',
      details: { mime: found.mime },
    })
  const kind = ACCEPTED[found.mime]
  if (!kind)
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', {
      message: `the file is ${found.mime}, which Rounds does not accept`,
      details: { mime: found.mime },
    })
  const ext = extname(filename).toLowerCase()
  const expected = EXTENSIONS[ext]
  if (expected && !expected.includes(found.mime))
    throw new AppError('MEDIA_TYPE_MISMATCH', {
      message: `the file is named ${ext} but its content is ${found.mime}; rename it or export it again`,
      details: { extension: ext, mime: found.mime },
    })
  if (kind !== declared)
    throw new AppError('MEDIA_TYPE_MISMATCH', {
      message: `the file was sent as ${declared} but its content is ${found.mime} (${kind})`,
      details: { declared, kind, mime: found.mime },
    })
  return { kind, mime: found.mime }
}
