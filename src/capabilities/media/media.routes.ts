import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { slugSchema } from '#src/capabilities/accounts/accounts.schema.ts'
import { AppError } from '#src/platform/errors.ts'
import { createRouter, type Router } from '#src/platform/http/app.ts'
import { cookieAuth, errorResponses, jsonBody, jsonContent } from '#src/platform/http/openapi.ts'
import { parseRange, sendOpened } from './media.http.ts'
import {
  CHUNK_CONTENT_TYPE,
  derivativeNameSchema,
  redactRequestSchema,
  UPLOAD_OFFSET_HEADER,
  uploadCreateSchema,
  uploadSchema,
} from './media.schema.ts'
import {
  appendChunk,
  createUpload,
  getUpload,
  listItemUploads,
  type MediaDeps,
  openDerivative,
  readFrame,
  redactUpload,
  removeUpload,
} from './media.service.ts'

const tags = ['Media']
const id = z.string().min(1).max(64)
const itemParams = z.object({ slug: slugSchema, itemId: id })
const uploadParams = itemParams.extend({ uploadId: id })
const binary = (description: string, type = 'application/octet-stream') => ({
  description,
  content: { [type]: { schema: z.string().meta({ format: 'binary' }) } },
})

const routes = {
  list: createRoute({
    method: 'get',
    path: '/orgs/{slug}/items/{itemId}/uploads',
    tags,
    summary: "The item's uploads with their screening (its author, editors, assigned reviewers)",
    security: cookieAuth,
    request: { params: itemParams },
    responses: {
      200: jsonContent(z.object({ uploads: z.array(uploadSchema) }), 'Uploads'),
      ...errorResponses(401, 403, 404),
    },
  }),
  create: createRoute({
    method: 'post',
    path: '/orgs/{slug}/items/{itemId}/uploads',
    tags,
    summary:
      "Start an upload (the item's author): name, total size and kind; the size must be within the kind's limit. Send the bytes with PATCH",
    security: cookieAuth,
    request: { params: itemParams, body: jsonBody(uploadCreateSchema) },
    responses: {
      201: jsonContent(uploadSchema, 'Upload opened; send chunks from offset 0'),
      ...errorResponses(400, 401, 403, 404, 409, 413),
    },
  }),
  get: createRoute({
    method: 'get',
    path: '/orgs/{slug}/items/{itemId}/uploads/{uploadId}',
    tags,
    summary: 'One upload: bytes received (to resume), status, screening progress, findings, metadata removed',
    security: cookieAuth,
    request: { params: uploadParams },
    responses: { 200: jsonContent(uploadSchema, 'The upload'), ...errorResponses(401, 403, 404) },
  }),
  chunk: createRoute({
    method: 'patch',
    path: '/orgs/{slug}/items/{itemId}/uploads/{uploadId}',
    tags,
    summary: `Send the next chunk (the item's author): body ${CHUNK_CONTENT_TYPE}, header Upload-Offset = bytes received so far. The last chunk triggers the type check (by content) and screening`,
    security: cookieAuth,
    request: {
      params: uploadParams,
      headers: z.object({
        [UPLOAD_OFFSET_HEADER]: z
          .string()
          .regex(/^\d{1,15}$/, 'the byte offset: a whole number')
          .meta({
            description: 'Bytes the server has received so far (the `received` of the upload)',
          }),
      }),
      body: { required: true, ...binary('The chunk', CHUNK_CONTENT_TYPE) },
    },
    responses: {
      200: jsonContent(uploadSchema, 'Stored; `received` is the new offset'),
      ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422),
    },
  }),
  remove: createRoute({
    method: 'delete',
    path: '/orgs/{slug}/items/{itemId}/uploads/{uploadId}',
    tags,
    summary: "Delete an upload, its files and its slot on the item (the item's author)",
    security: cookieAuth,
    request: { params: uploadParams },
    responses: { 204: { description: 'Deleted' }, ...errorResponses(401, 403, 404, 409) },
  }),
  redact: createRoute({
    method: 'post',
    path: '/orgs/{slug}/items/{itemId}/uploads/{uploadId}/redact',
    tags,
    summary:
      "Redact the file (the item's author): flagged text filled, faces blurred; the findings it covers no longer block. An image is redacted at once; a video is queued (its `redaction` shows the job's stage and progress)",
    security: cookieAuth,
    request: { params: uploadParams, body: jsonBody(redactRequestSchema) },
    responses: {
      200: jsonContent(uploadSchema, 'Redacted (image) or redaction queued (video)'),
      ...errorResponses(400, 401, 403, 404, 409),
    },
  }),
  file: createRoute({
    method: 'get',
    path: '/orgs/{slug}/items/{itemId}/uploads/{uploadId}/files/{name}',
    tags,
    summary:
      'A file Rounds made from the upload (sanitised, redacted, de-identified); a Range header gets 206 with that part. Originals are never served',
    security: cookieAuth,
    request: { params: uploadParams.extend({ name: derivativeNameSchema }) },
    responses: { 200: binary('The file'), ...errorResponses(401, 403, 404) },
  }),
  frame: createRoute({
    method: 'get',
    path: '/orgs/{slug}/items/{itemId}/uploads/{uploadId}/frames/{index}',
    tags,
    summary: 'A sampled video frame (JPEG) for the frame strip',
    security: cookieAuth,
    request: { params: uploadParams.extend({ index: z.string().regex(/^\d{1,5}$/, 'a frame number') }) },
    responses: { 200: binary('The frame', 'image/jpeg'), ...errorResponses(401, 403, 404) },
  }),
}

/** Reads a request body up to `limit` bytes; more is refused without reading it all. */
async function readChunk(body: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array> {
  if (!body) throw new AppError('VALIDATION_FAILED', { message: 'the chunk is empty' })
  const parts: Uint8Array[] = []
  let total = 0
  const reader = body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > limit) {
      await reader.cancel()
      throw new AppError('PAYLOAD_TOO_LARGE', {
        message: `chunks are limited to ${limit} bytes; send the file in smaller pieces`,
        details: { chunkBytes: limit },
      })
    }
    parts.push(value)
  }
  return Buffer.concat(parts)
}

export function mediaRoutes(deps: MediaDeps): Router {
  const app = createRouter()
  app.openapi(routes.list, async (c) => {
    const p = c.req.valid('param')
    return c.json({ uploads: await listItemUploads(deps, c.get('actor'), p.slug, p.itemId) }, 200)
  })
  app.openapi(routes.create, async (c) => {
    const p = c.req.valid('param')
    return c.json(await createUpload(deps, c.get('actor'), p.slug, p.itemId, c.req.valid('json')), 201)
  })
  app.openapi(routes.get, async (c) => {
    const p = c.req.valid('param')
    return c.json(await getUpload(deps, c.get('actor'), p.slug, p.itemId, p.uploadId), 200)
  })
  app.openapi(routes.chunk, async (c) => {
    const p = c.req.valid('param')
    const offset = Number(c.req.valid('header')[UPLOAD_OFFSET_HEADER])
    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase()
    // Read only once the caller is known to be allowed to send bytes here.
    const read = async () => {
      if (type !== CHUNK_CONTENT_TYPE)
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', { message: `send chunks as ${CHUNK_CONTENT_TYPE}` })
      return readChunk(c.req.raw.body, deps.media.chunkBytes)
    }
    return c.json(await appendChunk(deps, c.get('actor'), p.slug, p.itemId, p.uploadId, offset, read), 200)
  })
  app.openapi(routes.remove, async (c) => {
    const p = c.req.valid('param')
    await removeUpload(deps, c.get('actor'), p.slug, p.itemId, p.uploadId)
    return c.body(null, 204)
  })
  app.openapi(routes.redact, async (c) => {
    const p = c.req.valid('param')
    return c.json(
      await redactUpload(deps, c.get('actor'), p.slug, p.itemId, p.uploadId, c.req.valid('json')),
      200,
    )
  })
  app.openapi(routes.file, async (c) => {
    const p = c.req.valid('param')
    const range = parseRange(c.req.header('range'))
    const file = await openDerivative(deps, c.get('actor'), p.slug, p.itemId, p.uploadId, p.name, range)
    c.header('content-type', file.mime)
    c.header('cache-control', 'private, no-store')
    c.header('content-disposition', `inline; filename="${p.uploadId}-${p.name}"`)
    return sendOpened(c, file) as never
  })
  app.openapi(routes.frame, async (c) => {
    const p = c.req.valid('param')
    const data = await readFrame(deps, c.get('actor'), p.slug, p.itemId, p.uploadId, Number(p.index))
    c.header('content-type', 'image/jpeg')
    c.header('cache-control', 'private, no-store')
    return c.body(new Uint8Array(data), 200)
  })
  return app
}
