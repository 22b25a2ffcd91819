import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { slugSchema } from '#src/capabilities/accounts/accounts.schema.ts'
import { createRouter, type Router } from '#src/platform/http/app.ts'
import { cookieAuth, errorResponses, jsonBody, jsonContent } from '#src/platform/http/openapi.ts'
import {
  getCertificateHtml,
  getCertificatePdf,
  listMyCertificates,
  listOrganisationCertificates,
  revokeCertificate,
  verifyCertificate,
} from './certificate.service.ts'
import { type CredentialDeps, getCertificateCredential } from './credential.service.ts'
import {
  attemptResultSchema,
  attemptSchema,
  attemptStateSchema,
  certificateSchema,
  certificateVerificationSchema,
  contentIdSchema,
  lessonInputSchema,
  lessonSchema,
  lessonSummarySchema,
  organisationCertificateSchema,
  questionInputSchema,
  questionSchema,
  submissionSchema,
  trainingStatusSchema,
} from './training.schema.ts'
import {
  createLesson,
  createQuestion,
  getAttempt,
  getLesson,
  getTrainingStatus,
  listLessons,
  listQuestionBank,
  startAttempt,
  submitAttempt,
  updateLesson,
  updateQuestion,
  withdrawLesson,
  withdrawQuestion,
} from './training.service.ts'

const org = z.object({ slug: slugSchema })
const lessonParams = org.extend({ lessonId: contentIdSchema })
const questionParams = org.extend({ questionId: contentIdSchema })
const recordId = z.string().min(1).max(100)
const attemptParams = org.extend({ attemptId: recordId })
const certificateParams = org.extend({ certificateId: recordId })
const tags = ['Training']

const routes = {
  status: createRoute({
    method: 'get',
    path: '/orgs/{slug}/training',
    tags,
    summary: 'Your training status: a valid certificate (or none), pass mark, questions per attempt',
    security: cookieAuth,
    request: { params: org },
    responses: { 200: jsonContent(trainingStatusSchema, 'Status'), ...errorResponses(401, 404) },
  }),
  listLessons: createRoute({
    method: 'get',
    path: '/orgs/{slug}/training/lessons',
    tags,
    summary:
      "The lessons, built-in and the organisation's own, in order (admins also see drafts and withdrawn)",
    security: cookieAuth,
    request: { params: org },
    responses: { 200: jsonContent(z.array(lessonSummarySchema), 'Lessons'), ...errorResponses(401, 404) },
  }),
  createLesson: createRoute({
    method: 'post',
    path: '/orgs/{slug}/training/lessons',
    tags,
    summary: "Add a lesson of the organisation's own (admins)",
    security: cookieAuth,
    request: { params: org, body: jsonBody(lessonInputSchema) },
    responses: {
      201: jsonContent(lessonSchema, 'Created (version 1)'),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  getLesson: createRoute({
    method: 'get',
    path: '/orgs/{slug}/training/lessons/{lessonId}',
    tags,
    summary: 'A lesson: its latest published version, with its sources',
    security: cookieAuth,
    request: { params: lessonParams },
    responses: { 200: jsonContent(lessonSchema, 'Lesson'), ...errorResponses(401, 404) },
  }),
  updateLesson: createRoute({
    method: 'put',
    path: '/orgs/{slug}/training/lessons/{lessonId}',
    tags,
    summary: "Edit one of the organisation's lessons (admins): saves a new version",
    security: cookieAuth,
    request: { params: lessonParams, body: jsonBody(lessonInputSchema) },
    responses: {
      200: jsonContent(lessonSchema, 'Saved'),
      ...errorResponses(400, 401, 403, 404, 409),
    },
  }),
  withdrawLesson: createRoute({
    method: 'delete',
    path: '/orgs/{slug}/training/lessons/{lessonId}',
    tags,
    summary: "Withdraw one of the organisation's lessons from learners (admins); its versions are kept",
    security: cookieAuth,
    request: { params: lessonParams },
    responses: { 200: jsonContent(lessonSchema, 'Withdrawn'), ...errorResponses(401, 403, 404, 409) },
  }),
  listQuestions: createRoute({
    method: 'get',
    path: '/orgs/{slug}/training/questions',
    tags,
    summary: 'The question bank with answers and feedback (admins)',
    security: cookieAuth,
    request: { params: org },
    responses: { 200: jsonContent(z.array(questionSchema), 'Questions'), ...errorResponses(401, 403, 404) },
  }),
  createQuestion: createRoute({
    method: 'post',
    path: '/orgs/{slug}/training/questions',
    tags,
    summary: "Add a question of the organisation's own to the bank (admins)",
    security: cookieAuth,
    request: { params: org, body: jsonBody(questionInputSchema) },
    responses: {
      201: jsonContent(questionSchema, 'Created (version 1)'),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  updateQuestion: createRoute({
    method: 'put',
    path: '/orgs/{slug}/training/questions/{questionId}',
    tags,
    summary: "Edit one of the organisation's questions (admins): saves a new version",
    security: cookieAuth,
    request: { params: questionParams, body: jsonBody(questionInputSchema) },
    responses: { 200: jsonContent(questionSchema, 'Saved'), ...errorResponses(400, 401, 403, 404, 409) },
  }),
  withdrawQuestion: createRoute({
    method: 'delete',
    path: '/orgs/{slug}/training/questions/{questionId}',
    tags,
    summary: "Withdraw one of the organisation's questions from future attempts (admins)",
    security: cookieAuth,
    request: { params: questionParams },
    responses: { 200: jsonContent(questionSchema, 'Withdrawn'), ...errorResponses(401, 403, 404, 409) },
  }),
  startAttempt: createRoute({
    method: 'post',
    path: '/orgs/{slug}/training/attempts',
    tags,
    summary:
      'Start an assessment: 12 questions covering every topic, without their answers; submit within 24 hours',
    security: cookieAuth,
    request: { params: org },
    responses: { 201: jsonContent(attemptSchema, 'Started'), ...errorResponses(401, 404, 409) },
  }),
  getAttempt: createRoute({
    method: 'get',
    path: '/orgs/{slug}/training/attempts/{attemptId}',
    tags,
    summary: 'One of your attempts: its questions, and once submitted its result and feedback',
    security: cookieAuth,
    request: { params: attemptParams },
    responses: { 200: jsonContent(attemptStateSchema, 'Attempt'), ...errorResponses(401, 404) },
  }),
  submitAttempt: createRoute({
    method: 'post',
    path: '/orgs/{slug}/training/attempts/{attemptId}/submit',
    tags,
    summary:
      'Submit your answers (once): score, pass or fail at 80%, feedback on every question, a certificate if passed',
    security: cookieAuth,
    request: { params: attemptParams, body: jsonBody(submissionSchema) },
    responses: {
      200: jsonContent(attemptResultSchema, 'Scored'),
      ...errorResponses(400, 401, 404, 409, 410),
    },
  }),
  myCertificates: createRoute({
    method: 'get',
    path: '/me/certificates',
    tags,
    summary: 'Your training certificates in every organisation, newest first',
    security: cookieAuth,
    responses: { 200: jsonContent(z.array(certificateSchema), 'Certificates'), ...errorResponses(401) },
  }),
  organisationCertificates: createRoute({
    method: 'get',
    path: '/orgs/{slug}/certificates',
    tags,
    summary: 'Every training certificate the organisation has issued (admins)',
    security: cookieAuth,
    request: { params: org },
    responses: {
      200: jsonContent(z.array(organisationCertificateSchema), 'Certificates'),
      ...errorResponses(401, 403, 404),
    },
  }),
  certificatePdf: createRoute({
    method: 'get',
    path: '/orgs/{slug}/certificates/{certificateId}/pdf',
    tags,
    summary: 'A certificate as a PDF (its holder or the organisation’s admins)',
    security: cookieAuth,
    request: { params: certificateParams },
    responses: {
      200: {
        description: 'The certificate (A4 landscape)',
        content: { 'application/pdf': { schema: z.string().meta({ format: 'binary' }) } },
      },
      ...errorResponses(401, 403, 404),
    },
  }),
  certificateHtml: createRoute({
    method: 'get',
    path: '/orgs/{slug}/certificates/{certificateId}/html',
    tags,
    summary: 'A certificate as a printable page (its holder or the organisation’s admins)',
    security: cookieAuth,
    request: { params: certificateParams },
    responses: {
      200: { description: 'A self-contained HTML page', content: { 'text/html': { schema: z.string() } } },
      ...errorResponses(401, 403, 404),
    },
  }),
  certificateCredential: createRoute({
    method: 'get',
    path: '/orgs/{slug}/certificates/{certificateId}/credential',
    tags,
    summary:
      'A certificate as an Open Badges 3.0 credential signed by the organisation (VC-JWT, EdDSA; its holder or the organisation’s admins)',
    description:
      'The JWT payload is the OpenBadgeCredential (W3C VC data model 2.0); the header names the signing key (`kid`), published at /api/public/orgs/{slug}/jwks.json. Check one at POST /api/public/credentials/verify.',
    security: cookieAuth,
    request: { params: certificateParams },
    responses: {
      200: {
        description: 'The credential as a compact JWS',
        content: { 'application/vc+jwt': { schema: z.string() } },
      },
      ...errorResponses(401, 403, 404),
    },
  }),
  revokeCertificate: createRoute({
    method: 'post',
    path: '/orgs/{slug}/certificates/{certificateId}/revoke',
    tags,
    summary: 'Revoke a certificate (admins): it fails verification and no longer counts for submission',
    security: cookieAuth,
    request: {
      params: certificateParams,
      body: jsonBody(
        z
          .object({
            reason: z
              .string()
              .trim()
              .min(5, 'say why (at least 5 characters)')
              .max(500)
              .meta({ example: 'Issued in error: the assessment was taken by someone else' }),
          })
          .meta({ id: 'CertificateRevocation' }),
      ),
    },
    responses: {
      200: jsonContent(certificateVerificationSchema, 'The certificate, now revoked'),
      ...errorResponses(400, 401, 403, 404, 409),
    },
  }),
  verifyCertificate: createRoute({
    method: 'get',
    path: '/certificates/{certificateId}',
    tags,
    summary: 'Check a certificate (public): holder, issuer, dates and whether it is valid now',
    request: { params: z.object({ certificateId: recordId }) },
    responses: { 200: jsonContent(certificateVerificationSchema, 'Certificate'), ...errorResponses(404) },
  }),
}

/** The training module, the assessment and certificates. */
export function trainingRoutes(deps: CredentialDeps): Router {
  const app = createRouter()
  app.openapi(routes.status, async (c) =>
    c.json(await getTrainingStatus(deps, c.get('actor'), c.req.valid('param').slug), 200),
  )
  app.openapi(routes.listLessons, async (c) =>
    c.json(await listLessons(deps, c.get('actor'), c.req.valid('param').slug), 200),
  )
  app.openapi(routes.createLesson, async (c) =>
    c.json(await createLesson(deps, c.get('actor'), c.req.valid('param').slug, c.req.valid('json')), 201),
  )
  app.openapi(routes.getLesson, async (c) => {
    const p = c.req.valid('param')
    return c.json(await getLesson(deps, c.get('actor'), p.slug, p.lessonId), 200)
  })
  app.openapi(routes.updateLesson, async (c) => {
    const p = c.req.valid('param')
    return c.json(await updateLesson(deps, c.get('actor'), p.slug, p.lessonId, c.req.valid('json')), 200)
  })
  app.openapi(routes.withdrawLesson, async (c) => {
    const p = c.req.valid('param')
    return c.json(await withdrawLesson(deps, c.get('actor'), p.slug, p.lessonId), 200)
  })
  app.openapi(routes.listQuestions, async (c) =>
    c.json(await listQuestionBank(deps, c.get('actor'), c.req.valid('param').slug), 200),
  )
  app.openapi(routes.createQuestion, async (c) =>
    c.json(await createQuestion(deps, c.get('actor'), c.req.valid('param').slug, c.req.valid('json')), 201),
  )
  app.openapi(routes.updateQuestion, async (c) => {
    const p = c.req.valid('param')
    return c.json(await updateQuestion(deps, c.get('actor'), p.slug, p.questionId, c.req.valid('json')), 200)
  })
  app.openapi(routes.withdrawQuestion, async (c) => {
    const p = c.req.valid('param')
    return c.json(await withdrawQuestion(deps, c.get('actor'), p.slug, p.questionId), 200)
  })
  app.openapi(routes.startAttempt, async (c) =>
    c.json(await startAttempt(deps, c.get('actor'), c.req.valid('param').slug), 201),
  )
  app.openapi(routes.getAttempt, async (c) => {
    const p = c.req.valid('param')
    return c.json(await getAttempt(deps, c.get('actor'), p.slug, p.attemptId), 200)
  })
  app.openapi(routes.submitAttempt, async (c) => {
    const p = c.req.valid('param')
    return c.json(await submitAttempt(deps, c.get('actor'), p.slug, p.attemptId, c.req.valid('json')), 200)
  })
  app.openapi(routes.myCertificates, async (c) => c.json(await listMyCertificates(deps, c.get('actor')), 200))
  app.openapi(routes.organisationCertificates, async (c) =>
    c.json(await listOrganisationCertificates(deps, c.get('actor'), c.req.valid('param').slug), 200),
  )
  app.openapi(routes.certificatePdf, async (c) => {
    const p = c.req.valid('param')
    const { filename, pdf } = await getCertificatePdf(deps, c.get('actor'), p.slug, p.certificateId)
    return c.body(new Uint8Array(pdf), 200, {
      'content-type': 'application/pdf',
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'private, no-store',
    })
  })
  app.openapi(routes.certificateHtml, async (c) => {
    const p = c.req.valid('param')
    c.header('cache-control', 'private, no-store')
    return c.html(await getCertificateHtml(deps, c.get('actor'), p.slug, p.certificateId), 200)
  })
  app.openapi(routes.certificateCredential, async (c) => {
    const p = c.req.valid('param')
    const { filename, mediaType, jwt } = await getCertificateCredential(
      deps,
      c.get('actor'),
      p.slug,
      p.certificateId,
    )
    return c.body(jwt, 200, {
      'content-type': mediaType,
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'private, no-store',
    })
  })
  app.openapi(routes.revokeCertificate, async (c) => {
    const p = c.req.valid('param')
    const { reason } = c.req.valid('json')
    return c.json(await revokeCertificate(deps, c.get('actor'), p.slug, p.certificateId, reason), 200)
  })
  app.openapi(routes.verifyCertificate, async (c) =>
    c.json(await verifyCertificate(deps, c.req.valid('param').certificateId), 200),
  )
  return app
}
