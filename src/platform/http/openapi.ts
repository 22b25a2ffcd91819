import { z } from 'zod'

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'VALIDATION_FAILED' }),
      message: z.string(),
      details: z.unknown().optional(),
      requestId: z.string().optional(),
    }),
  })
  .meta({ id: 'Error' })

const descriptions: Record<number, string> = {
  400: 'The request is not valid (VALIDATION_FAILED, MALFORMED_JSON)',
  401: 'Not signed in (UNAUTHENTICATED)',
  403: 'Signed in but not allowed (FORBIDDEN)',
  404: 'Not found, or not visible to you',
  409: 'Conflicts with the current state',
  410: 'Gone (expired)',
  413: 'Body too large',
  415: 'Body is not JSON',
  422: 'Understood but refused (e.g. USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL)',
  429: 'Too many requests',
}

/** The error responses a route can give, for its OpenAPI description. */
export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((s) => [
      s,
      { description: descriptions[s] ?? 'Error', content: { 'application/json': { schema: errorSchema } } },
    ]),
  )
}

export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } }
}

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { 'application/json': { schema } } }
}

/** The session cookie scheme every protected route declares. */
export const cookieAuth = [{ cookieAuth: [] }]
