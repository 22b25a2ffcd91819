import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type {
  MediaKind as SchemaMediaKind,
  RedactRequest as SchemaRedactRequest,
  Upload as SchemaUpload,
} from '../../../src/capabilities/media/media.schema.ts'
import { ApiError, api, isApiError } from '../api/client.ts'
import { contentKeys, type Item } from '../api/content.ts'

/** Uploads on an item: chunked sending with progress, screening status, redaction. */

export type Upload = SchemaUpload
export type MediaKind = SchemaMediaKind
export type RedactRequest = SchemaRedactRequest

const seg = encodeURIComponent
const base = (slug: string, itemId: string) => `/api/orgs/${seg(slug)}/items/${seg(itemId)}/uploads`

const itemUrl = (slug: string, itemId: string) => `/api/orgs/${seg(slug)}/items/${seg(itemId)}`

export const mediaKeys = {
  uploads: (slug: string, itemId: string) => ['orgs', slug, 'items', itemId, 'uploads'] as const,
}

/** Where a derivative or frame is served (the original never is). */
export const fileUrl = (
  slug: string,
  itemId: string,
  uploadId: string,
  name: 'sanitised' | 'redacted' | 'deidentified',
) => `${base(slug, itemId)}/${seg(uploadId)}/files/${name}`
export const frameUrl = (slug: string, itemId: string, uploadId: string, index: number) =>
  `${base(slug, itemId)}/${seg(uploadId)}/frames/${index}`

const settled = (u: Upload) =>
  (u.status === 'ready' || u.status === 'rejected') &&
  u.redaction?.status !== 'queued' &&
  u.redaction?.status !== 'working'

/** The item's uploads; polled every 1.5 s while any is still being received, screened or redacted. */
export function useUploads(slug: string, itemId: string) {
  return useQuery({
    queryKey: mediaKeys.uploads(slug, itemId),
    queryFn: () => api<{ uploads: Upload[] }>('GET', base(slug, itemId)),
    refetchInterval: (q) => (q.state.data?.uploads.some((u) => !settled(u)) ? 1500 : false),
  })
}

/** The kind a file will be declared as, from its type and name (the server checks its content). */
export function kindOf(file: File): MediaKind | null {
  const name = file.name.toLowerCase()
  if (/\.(srt|vtt)$/.test(name)) return 'captions'
  if (/\.(dcm|dicom)$/.test(name) || file.type === 'application/dicom') return 'dicom'
  if (file.type.startsWith('video/') || /\.(mp4|m4v|mov|webm)$/.test(name)) return 'video'
  if (file.type.startsWith('image/') || /\.(jpe?g|png|webp|avif|heic)$/.test(name)) return 'image'
  return null
}

/** Sends one chunk with XMLHttpRequest, for upload progress events. */
function sendChunk(
  url: string,
  offset: number,
  chunk: Blob,
  onProgress: (sent: number) => void,
  signal: AbortSignal,
): Promise<Upload> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('PATCH', url)
    xhr.withCredentials = true
    xhr.setRequestHeader('Content-Type', 'application/offset+octet-stream')
    xhr.setRequestHeader('Upload-Offset', String(offset))
    xhr.setRequestHeader('Accept', 'application/json')
    xhr.upload.onprogress = (e) => onProgress(e.loaded)
    xhr.onload = () => {
      let body: { error?: { code: string; message: string; details?: unknown } } | Upload | null = null
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null
      } catch {
        body = null
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as Upload)
      else {
        const e = (body as { error?: { code: string; message: string; details?: unknown } } | null)?.error
        reject(
          new ApiError(
            xhr.status,
            e?.code ?? 'HTTP_ERROR',
            e?.message ?? `Upload failed (${xhr.status})`,
            e?.details,
          ),
        )
      }
    }
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK_ERROR', 'The connection dropped.'))
    xhr.onabort = () => reject(new ApiError(0, 'ABORTED', 'Upload cancelled.'))
    signal.addEventListener('abort', () => xhr.abort(), { once: true })
    xhr.send(chunk)
  })
}

export type UploadProgress = { sent: number; total: number }

/**
 * Uploads a file in chunks of the server's size. A dropped connection is retried from the
 * offset the server reports (up to five times in a row); the last chunk's answer is the upload
 * after its type checks.
 */
export async function uploadFile(
  slug: string,
  itemId: string,
  file: File,
  kind: MediaKind,
  onProgress: (p: UploadProgress) => void,
  signal: AbortSignal,
  /** An earlier upload of the same file that did not finish: carry on from what the server has. */
  resume?: Upload,
): Promise<Upload> {
  let upload =
    resume ?? (await api<Upload>('POST', base(slug, itemId), { filename: file.name, size: file.size, kind }))
  const url = `${base(slug, itemId)}/${seg(upload.id)}`
  if (resume) upload = await api<Upload>('GET', url)
  let offset = upload.received
  let failures = 0
  while (offset < file.size) {
    const end = Math.min(file.size, offset + upload.chunkBytes)
    try {
      const at = offset
      upload = await sendChunk(
        url,
        offset,
        file.slice(offset, end),
        (n) => onProgress({ sent: at + n, total: file.size }),
        signal,
      )
      offset = upload.received
      failures = 0
      onProgress({ sent: offset, total: file.size })
    } catch (caught) {
      if (signal.aborted || !isApiError(caught)) throw caught
      const resumable =
        caught.status === 0 || caught.status >= 500 || caught.code === 'UPLOAD_OFFSET_MISMATCH'
      if (!resumable || ++failures > 5) throw caught
      await new Promise((r) => setTimeout(r, 500 * failures))
      offset = (await api<Upload>('GET', url)).received
    }
  }
  return upload
}

export function useMediaChanged(slug: string, itemId: string) {
  const queryClient = useQueryClient()
  return () => {
    void queryClient.invalidateQueries({ queryKey: mediaKeys.uploads(slug, itemId) })
    void queryClient.invalidateQueries({ queryKey: contentKeys.item(slug, itemId), exact: true })
  }
}

export function useRedact(slug: string, itemId: string, uploadId: string) {
  const changed = useMediaChanged(slug, itemId)
  return useMutation({
    mutationFn: (input: RedactRequest) =>
      api<Upload>('POST', `${base(slug, itemId)}/${seg(uploadId)}/redact`, input),
    onSuccess: changed,
  })
}

export function useDeleteUpload(slug: string, itemId: string) {
  const changed = useMediaChanged(slug, itemId)
  return useMutation({
    mutationFn: (uploadId: string) => api<undefined>('DELETE', `${base(slug, itemId)}/${seg(uploadId)}`),
    onSuccess: changed,
  })
}

/** Records the patient's consent to the use of one file (a consent record naming the upload). */
export function useRecordConsent(slug: string, item: Item) {
  const changed = useMediaChanged(slug, item.id)
  return useMutation({
    mutationFn: async (c: { consentedBy: string; scope: string; date: string; fileId: string }) => {
      const fresh = await api<Item>('GET', itemUrl(slug, item.id))
      return api<Item>('PATCH', itemUrl(slug, item.id), { consents: [...fresh.fields.consents, c] })
    },
    onSuccess: changed,
  })
}

/** Saves a file's alt text on its media slot. */
export function useAltText(slug: string, item: Item) {
  const changed = useMediaChanged(slug, item.id)
  return useMutation({
    mutationFn: async (input: { uploadId: string; altText: string }) => {
      const fresh = await api<Item>('GET', itemUrl(slug, item.id))
      return api<Item>('PATCH', itemUrl(slug, item.id), {
        media: fresh.fields.media.map((m) =>
          m.id === input.uploadId ? { ...m, altText: input.altText } : m,
        ),
      })
    },
    onSuccess: changed,
  })
}
