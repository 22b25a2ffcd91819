import { z } from 'zod'
import type { Router } from '#src/platform/http/app.ts'
import { errorResponses, jsonBody, jsonContent } from '#src/platform/http/openapi.ts'

const userSchema = z.object({ id: z.string(), email: z.string(), name: z.string() })
const sessionResponse = z
  .object({ token: z.string().optional(), user: userSchema })
  .meta({ id: 'AuthSession' })
/**
 * better-auth serves /api/auth/*; these entries describe the endpoints Rounds' web UI and
 * integrators use, so the OpenAPI document covers the whole API. Their errors come in the
 * one Rounds error shape, with better-auth's codes (INVALID_EMAIL_OR_PASSWORD, INVALID_TOKEN,
 * PASSWORD_TOO_SHORT, USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL, ...).
 */
export function registerAuthPaths(app: Router): void {
  const r = app.openAPIRegistry
  r.registerPath({
    method: 'post',
    path: '/api/auth/sign-up/email',
    tags: ['Authentication'],
    summary: 'Create an account with email and password (password 12–128 characters)',
    request: {
      body: jsonBody(z.object({ name: z.string(), email: z.email(), password: z.string().min(12).max(128) })),
    },
    responses: {
      200: jsonContent(sessionResponse, 'Signed up and signed in; sets the session cookie'),
      ...errorResponses(400, 422, 429),
    },
  })
  r.registerPath({
    method: 'post',
    path: '/api/auth/sign-in/email',
    tags: ['Authentication'],
    summary: 'Sign in; sets an HttpOnly session cookie. Rate-limited per client address',
    request: {
      body: jsonBody(
        z.object({ email: z.email(), password: z.string(), rememberMe: z.boolean().optional() }),
      ),
    },
    responses: { 200: jsonContent(sessionResponse, 'Signed in'), ...errorResponses(400, 401, 429) },
  })
  r.registerPath({
    method: 'post',
    path: '/api/auth/sign-out',
    tags: ['Authentication'],
    summary: 'Sign out (ends the session and clears the cookie)',
    responses: { 200: jsonContent(z.object({ success: z.boolean() }), 'Signed out') },
  })
  r.registerPath({
    method: 'post',
    path: '/api/auth/request-password-reset',
    tags: ['Authentication'],
    summary: 'Email a password-reset link (answers the same whether or not the address has an account)',
    request: { body: jsonBody(z.object({ email: z.email(), redirectTo: z.string().optional() })) },
    responses: {
      200: jsonContent(z.object({ status: z.boolean() }), 'Accepted'),
      ...errorResponses(400, 429),
    },
  })
  r.registerPath({
    method: 'post',
    path: '/api/auth/reset-password',
    tags: ['Authentication'],
    summary: 'Choose a new password with the token from the email; ends every session',
    request: { body: jsonBody(z.object({ newPassword: z.string().min(12).max(128), token: z.string() })) },
    responses: {
      200: jsonContent(z.object({ status: z.boolean() }), 'Password changed'),
      ...errorResponses(400, 429),
    },
  })
  r.registerPath({
    method: 'get',
    path: '/api/auth/get-session',
    tags: ['Authentication'],
    summary: 'The current session, or null',
    responses: { 200: jsonContent(sessionResponse.nullable(), 'Session') },
  })
}
