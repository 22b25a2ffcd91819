import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inviteMember, loadActor } from '#src/capabilities/accounts/accounts.service.ts'
import {
  createItem,
  getItemVersion,
  submitItem,
  updateItem,
} from '#src/capabilities/content/content.service.ts'
import { postCorrection } from '#src/capabilities/content/corrections.service.ts'
import { requestResearchExport, runResearchExport } from '#src/capabilities/learning/export/export.service.ts'
import {
  insertAttachment,
  insertInstrument,
  insertVersion,
} from '#src/capabilities/learning/surveys/survey.repository.ts'
import { createLrsClient } from '#src/capabilities/learning/xapi/lrs-clients.service.ts'
import { setUploadStatus } from '#src/capabilities/media/media.repository.ts'
import { createUpload } from '#src/capabilities/media/media.service.ts'
import { notify } from '#src/capabilities/notifications/notifications.service.ts'
import { connectChannel, startOAuth } from '#src/capabilities/publishing/channels.service.ts'
import { previewItem, publishItem } from '#src/capabilities/publishing/publishing.service.ts'
import { assignReviewers, saveReview, submitReview } from '#src/capabilities/review/review.service.ts'
import { issueCertificateAsOperator } from '#src/capabilities/standards/certificate.service.ts'
import {
  addRelationship,
  attestAsOperator,
  declareConflict,
  getMyDisclosures,
} from '#src/capabilities/standards/disclosure.service.ts'
import {
  createLesson,
  createQuestion,
  startAttempt,
  syncBuiltInTraining,
} from '#src/capabilities/standards/training.service.ts'
import { type MastodonFake, startMastodonFake } from '#test/fakes/mastodon.ts'
import { startXFake, type XFake } from '#test/fakes/x.ts'
import { completeReview } from '#test/support/complete-review.ts'
import { testDialects } from '#test/support/database.ts'
import { createTestMember, createTestOrganisation } from '#test/support/factories.ts'
import { createItemInState } from '#test/support/published.ts'
import { approvedItem, publishedItem, type ReviewCast } from '#test/support/review-flow.ts'
import { call, createTestRounds, TEST_BASE_URL, type TestRounds } from '#test/support/rounds.ts'
import {
  countAuditEvents,
  createOrgWithRoles,
  expectError,
  giveRegistration,
  invitationTokenFor,
  inviteThroughApi,
  type SignedInUser,
  signedInMember,
  uniq,
  verifyAs,
} from './helpers.ts'

/**
 * Every API route × every kind of caller. The table is written out by hand and keyed by
 * "METHOD path" exactly as the OpenAPI document names the route; a route missing from the
 * table (or a table entry with no route) fails the coverage test, so a new route has to
 * state here who may call it.
 *
 * 'allow' means the request, made with valid parameters and body, succeeds with the
 * route's documented 2xx status. Denials must answer with the right status and code and
 * change nothing (no audit event is written).
 */
const actors = ['signedOut', 'admin', 'editor', 'reviewer', 'author', 'researcher', 'outsider'] as const
type ActorName = (typeof actors)[number]
type Outcome = 'allow' | 401 | 403 | 404
/** The shared world and a researcher (added here, so the helper other route tests use is unchanged). */
type World = Awaited<ReturnType<typeof createOrgWithRoles>> & { researcher: SignedInUser }
type Prepared = { path: string; body?: unknown; rawBody?: string; headers?: Record<string, string> }
type RouteCase = {
  expect: Record<ActorName, Outcome>
  /** `me` is the calling user (undefined when signed out), for routes that act on the caller. */
  prepare: (rounds: TestRounds, w: World, me?: SignedInUser) => Promise<Prepared>
}

const anySignedIn: Record<ActorName, Outcome> = {
  signedOut: 401,
  admin: 'allow',
  editor: 'allow',
  reviewer: 'allow',
  author: 'allow',
  researcher: 'allow',
  outsider: 'allow',
}
const adminOnly: Record<ActorName, Outcome> = {
  signedOut: 401,
  admin: 'allow',
  editor: 403,
  reviewer: 403,
  author: 403,
  researcher: 403,
  outsider: 404,
}
const membersReaders: Record<ActorName, Outcome> = { ...adminOnly, editor: 'allow' }
/** analytics.manage: editors and admins change the measurement (surveys, engagement imports). */
const analyticsManagers = membersReaders
/** analytics.read: editors, admins and researchers read the measurement and export it (decision 026). */
const analyticsReaders: Record<ActorName, Outcome> = { ...membersReaders, researcher: 'allow' }
const everyone: Record<ActorName, Outcome> = { ...anySignedIn, signedOut: 'allow' }

/** A fresh author in the organisation, so each case acts on its own target. */
const target = (rounds: TestRounds, w: World) => createTestMember(rounds, w.org.id, ['author'])

const anyMember: Record<ActorName, Outcome> = {
  ...adminOnly,
  editor: 'allow',
  reviewer: 'allow',
  author: 'allow',
}

/** The world's author holds a certificate; its holder and the admins may download it. */
const holderOrAdmin: Record<ActorName, Outcome> = { ...adminOnly, author: 'allow' }

const authorOnly: Record<ActorName, Outcome> = { ...adminOnly, admin: 403, author: 'allow' }
const editorOnly: Record<ActorName, Outcome> = { ...adminOnly, admin: 403, editor: 'allow' }
const authorOrEditor: Record<ActorName, Outcome> = { ...authorOnly, editor: 'allow' }
/** The world's reviewer is one of the item's assigned reviewers. */
const assignedReviewerOnly: Record<ActorName, Outcome> = { ...adminOnly, admin: 403, reviewer: 'allow' }
const reviewParties: Record<ActorName, Outcome> = { ...authorOrEditor, reviewer: 'allow' }

/** A research export of the world's organisation, requested by its admin; built when `ready`. */
async function researchExport(rounds: TestRounds, w: World, ready: boolean): Promise<string> {
  const deps = { ...rounds.accounts, storage: rounds.media.storage.derivatives }
  const made = await requestResearchExport(deps, await loadActor(rounds.accounts, w.admin.id), w.org.slug, {})
  if (ready) await runResearchExport(deps, made.id)
  return made.id
}

const trainingLesson = {
  topic: 'local',
  title: 'Our channel rules',
  summary: '',
  bodyMd: 'Ask the editor on duty before posting.',
  sources: [],
  position: 60,
  status: 'published',
} as const

const trainingQuestion = {
  topic: 'local',
  kind: 'single',
  prompt: 'Who approves a post before it goes out?',
  options: [
    { text: 'The editor on duty', correct: true, feedback: 'Right: the handbook says so.', citation: '' },
    { text: 'Nobody', correct: false, feedback: 'Every post is approved first.', citation: '' },
  ],
  sources: [],
  status: 'published',
} as const

const table: Record<string, RouteCase> = {
  'GET /api/orgs/{slug}/lrs-clients': {
    expect: adminOnly,
    prepare: async (_, w) => ({ path: `/api/orgs/${w.org.slug}/lrs-clients` }),
  },
  'POST /api/orgs/{slug}/lrs-clients': {
    expect: adminOnly,
    prepare: async (_, w) => ({ path: `/api/orgs/${w.org.slug}/lrs-clients`, body: { name: 'Moodle' } }),
  },
  'POST /api/orgs/{slug}/lrs-clients/{clientId}/revoke': {
    expect: adminOnly,
    prepare: async (rounds, w) => {
      const created = await createLrsClient(rounds.learning, {
        organisationId: w.org.id,
        name: 'To revoke',
        actorId: null,
      })
      return { path: `/api/orgs/${w.org.slug}/lrs-clients/${created.client.id}/revoke` }
    },
  },
  'GET /api/orgs/{slug}/surveys': {
    expect: analyticsReaders,
    prepare: async (_, w) => ({ path: `/api/orgs/${w.org.slug}/surveys` }),
  },
  'GET /api/orgs/{slug}/surveys/templates': {
    expect: analyticsReaders,
    prepare: async (_, w) => ({ path: `/api/orgs/${w.org.slug}/surveys/templates` }),
  },
  'POST /api/orgs/{slug}/surveys': {
    expect: analyticsManagers,
    prepare: async (_, w) => ({ path: `/api/orgs/${w.org.slug}/surveys`, body: surveyContent }),
  },
  'GET /api/orgs/{slug}/surveys/{surveyId}': {
    expect: analyticsReaders,
    prepare: async (rounds, w) => ({ path: `/api/orgs/${w.org.slug}/surveys/${await orgSurvey(rounds, w)}` }),
  },
  'PUT /api/orgs/{slug}/surveys/{surveyId}': {
    expect: analyticsManagers,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/surveys/${await orgSurvey(rounds, w)}`,
      body: surveyContent,
    }),
  },
  'DELETE /api/orgs/{slug}/surveys/{surveyId}': {
    expect: analyticsManagers,
    prepare: async (rounds, w) => ({ path: `/api/orgs/${w.org.slug}/surveys/${await orgSurvey(rounds, w)}` }),
  },
  'POST /api/orgs/{slug}/surveys/{surveyId}/archive': {
    expect: analyticsManagers,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/surveys/${await orgSurvey(rounds, w)}/archive`,
    }),
  },
  'POST /api/orgs/{slug}/surveys/{surveyId}/attachments': {
    expect: analyticsManagers,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/surveys/${await orgSurvey(rounds, w)}/attachments`,
      body: { itemId: await authorsItem(rounds, w), timing: 'after_content' },
    }),
  },
  'DELETE /api/orgs/{slug}/surveys/{surveyId}/attachments/{attachmentId}': {
    expect: analyticsManagers,
    prepare: async (rounds, w) => {
      const surveyId = await orgSurvey(rounds, w)
      const attachmentId = await surveyAttachment(rounds, w, surveyId)
      return { path: `/api/orgs/${w.org.slug}/surveys/${surveyId}/attachments/${attachmentId}` }
    },
  },
  'GET /api/orgs/{slug}/surveys/{surveyId}/results': {
    expect: analyticsReaders,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/surveys/${await orgSurvey(rounds, w)}/results`,
    }),
  },
  'GET /api/orgs/{slug}/surveys/{surveyId}/responses.csv': {
    expect: analyticsReaders,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/surveys/${await orgSurvey(rounds, w)}/responses.csv`,
    }),
  },
  'POST /api/orgs/{slug}/items/{itemId}/learning/events': {
    expect: everyone,
    prepare: async (rounds, w) => {
      const item = await createItemInState(rounds, {
        organisationId: w.org.id,
        authorId: w.author.id,
        state: 'published',
        published: true,
        fields: { title: 'Hand hygiene', body: 'Five moments.' },
      })
      return { path: `/api/orgs/${w.org.slug}/items/${item.id}/learning/events`, body: { type: 'viewed' } }
    },
  },
  'GET /api/orgs/{slug}/items/{itemId}/learning': {
    expect: authorOrEditor,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/items/${await authorsItem(rounds, w)}/learning`,
    }),
  },
  'GET /api/orgs/{slug}/lrs-forwarding': {
    expect: adminOnly,
    prepare: async (_, w) => ({ path: `/api/orgs/${w.org.slug}/lrs-forwarding` }),
  },
  'PUT /api/orgs/{slug}/lrs-forwarding': {
    expect: adminOnly,
    prepare: async (_, w) => ({
      path: `/api/orgs/${w.org.slug}/lrs-forwarding`,
      body: { endpoint: 'https://lrs.example.org/xapi/', username: 'rounds', secret: 's3cret' },
    }),
  },
  'DELETE /api/orgs/{slug}/lrs-forwarding': {
    expect: adminOnly,
    prepare: async (_, w) => ({ path: `/api/orgs/${w.org.slug}/lrs-forwarding` }),
  },
  'GET /api/orgs/{slug}/settings': {
    expect: anyMember,
    prepare: async (_, w) => ({ path: `/api/orgs/${w.org.slug}/settings` }),
  },
  'PATCH /api/orgs/{slug}/settings': {
    expect: adminOnly,
    prepare: async (_, w) => ({ path: `/api/orgs/${w.org.slug}/settings`, body: { reviewersRequired: 2 } }),
  },
  'GET /api/orgs/{slug}/training': {
    expect: anyMember,
    prepare: async (_, w) => ({ path: `/api/orgs/${w.org.slug}/training` }),
  },
  'GET /api/orgs/{slug}/training/lessons': {
    expect: anyMember,
    prepare: async (_, w) => ({ path: `/api/orgs/${w.org.slug}/training/lessons` }),
  },
  'POST /api/orgs/{slug}/training/lessons': {
    expect: adminOnly,
    prepare: async (_, w) => ({ path: `/api/orgs/${w.org.slug}/training/lessons`, body: trainingLesson }),
  },
  'GET /api/orgs/{slug}/training/lessons/{lessonId}': {
    expect: anyMember,
    prepare: async (rounds, w) => {
      await syncBuiltInTraining(rounds.accounts)
      return { path: `/api/orgs/${w.org.slug}/training/lessons/rounds.lesson.confidentiality` }
    },
  },
  'PUT /api/orgs/{slug}/training/lessons/{lessonId}': {
    expect: adminOnly,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/training/lessons/${await orgLesson(rounds, w)}`,
      body: { ...trainingLesson, title: 'Our channel rules, revised' },
    }),
  },
  'DELETE /api/orgs/{slug}/training/lessons/{lessonId}': {
    expect: adminOnly,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/training/lessons/${await orgLesson(rounds, w)}`,
    }),
  },
  'GET /api/orgs/{slug}/training/questions': {
    expect: adminOnly,
    prepare: async (_, w) => ({ path: `/api/orgs/${w.org.slug}/training/questions` }),
  },
  'POST /api/orgs/{slug}/training/questions': {
    expect: adminOnly,
    prepare: async (_, w) => ({ path: `/api/orgs/${w.org.slug}/training/questions`, body: trainingQuestion }),
  },
  'PUT /api/orgs/{slug}/training/questions/{questionId}': {
    expect: adminOnly,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/training/questions/${await orgQuestion(rounds, w)}`,
      body: { ...trainingQuestion, prompt: 'Who signs off a post before it is published?' },
    }),
  },
  'DELETE /api/orgs/{slug}/training/questions/{questionId}': {
    expect: adminOnly,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/training/questions/${await orgQuestion(rounds, w)}`,
    }),
  },
  'POST /api/orgs/{slug}/training/attempts': {
    expect: anyMember,
    prepare: async (rounds, w) => {
      await syncBuiltInTraining(rounds.accounts)
      return { path: `/api/orgs/${w.org.slug}/training/attempts` }
    },
  },
  'GET /api/orgs/{slug}/training/attempts/{attemptId}': {
    expect: anyMember,
    prepare: async (rounds, w, me) => ({
      path: `/api/orgs/${w.org.slug}/training/attempts/${await attemptOf(rounds, w, me)}`,
    }),
  },
  'POST /api/orgs/{slug}/training/attempts/{attemptId}/submit': {
    expect: anyMember,
    prepare: async (rounds, w, me) => ({
      path: `/api/orgs/${w.org.slug}/training/attempts/${await attemptOf(rounds, w, me)}/submit`,
      body: { answers: [] },
    }),
  },
  'GET /api/me/certificates': {
    expect: anySignedIn,
    prepare: async () => ({ path: '/api/me/certificates' }),
  },
  'GET /api/orgs/{slug}/certificates': {
    expect: adminOnly,
    prepare: async (_, w) => ({ path: `/api/orgs/${w.org.slug}/certificates` }),
  },
  'GET /api/orgs/{slug}/certificates/{certificateId}/pdf': {
    expect: holderOrAdmin,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/certificates/${await authorsCertificate(rounds, w)}/pdf`,
    }),
  },
  'GET /api/orgs/{slug}/certificates/{certificateId}/html': {
    expect: holderOrAdmin,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/certificates/${await authorsCertificate(rounds, w)}/html`,
    }),
  },
  'GET /api/orgs/{slug}/certificates/{certificateId}/credential': {
    expect: holderOrAdmin,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/certificates/${await authorsCertificate(rounds, w)}/credential`,
    }),
  },
  'POST /api/orgs/{slug}/certificates/{certificateId}/revoke': {
    expect: adminOnly,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/certificates/${await authorsCertificate(rounds, w)}/revoke`,
      body: { reason: 'Issued in error for this check' },
    }),
  },
  'GET /api/public/orgs/{slug}/issuer': {
    expect: everyone,
    prepare: async (_, w) => ({ path: `/api/public/orgs/${w.org.slug}/issuer` }),
  },
  'GET /api/public/orgs/{slug}/jwks.json': {
    expect: everyone,
    prepare: async (_, w) => ({ path: `/api/public/orgs/${w.org.slug}/jwks.json` }),
  },
  'GET /api/public/orgs/{slug}/achievement': {
    expect: everyone,
    prepare: async (_, w) => ({ path: `/api/public/orgs/${w.org.slug}/achievement` }),
  },
  'POST /api/public/credentials/verify': {
    expect: everyone,
    prepare: async () => ({
      path: '/api/public/credentials/verify',
      body: { credential: 'not.a.credential' },
    }),
  },
  'GET /api/certificates/{certificateId}': {
    expect: everyone,
    prepare: async (rounds, w) => ({ path: `/api/certificates/${await authorsCertificate(rounds, w)}` }),
  },
  'GET /api/orgs/{slug}/me/readiness': {
    expect: anyMember,
    prepare: async (_, w) => ({ path: `/api/orgs/${w.org.slug}/me/readiness` }),
  },
  'GET /api/orgs/{slug}/me/reviews': {
    expect: {
      signedOut: 401,
      admin: 403,
      editor: 403,
      reviewer: 'allow',
      author: 403,
      researcher: 403,
      outsider: 404,
    },
    prepare: async (_, w) => ({ path: `/api/orgs/${w.org.slug}/me/reviews` }),
  },
  'GET /api/screening/rules': {
    expect: anySignedIn,
    prepare: async () => ({ path: '/api/screening/rules' }),
  },
  'POST /api/screen': {
    // Outsiders screen under their own organisation's policy; naming w.org would be a 404.
    expect: anySignedIn,
    prepare: async () => ({ path: '/api/screen', body: { input: { body: 'A short teaching post.' } } }),
  },
  'GET /api/orgs/{slug}/screening-policy': {
    expect: anyMember,
    prepare: async (_, w) => ({ path: `/api/orgs/${w.org.slug}/screening-policy` }),
  },
  'PUT /api/orgs/{slug}/screening-policy': {
    expect: adminOnly,
    prepare: async (_, w) => ({
      path: `/api/orgs/${w.org.slug}/screening-policy`,
      body: {
        policy: { severityOverrides: { 'commercial.brand-name': 'off' } },
        note: 'quieter brand notes',
      },
    }),
  },
  'GET /api/orgs/{slug}/series': {
    expect: anyMember,
    prepare: async (_, w) => ({ path: `/api/orgs/${w.org.slug}/series` }),
  },
  'POST /api/orgs/{slug}/series': {
    expect: authorOrEditor,
    prepare: async (_, w) => ({
      path: `/api/orgs/${w.org.slug}/series`,
      body: { title: `Series ${uniq()}` },
    }),
  },
  'GET /api/orgs/{slug}/items': {
    expect: anyMember,
    prepare: async (_, w) => ({ path: `/api/orgs/${w.org.slug}/items` }),
  },
  'POST /api/orgs/{slug}/items': {
    expect: authorOnly,
    prepare: async (_, w) => ({
      path: `/api/orgs/${w.org.slug}/items`,
      body: { kind: 'post', title: 'Hand hygiene', body: 'Five moments for hand hygiene.' },
    }),
  },
  'GET /api/orgs/{slug}/items/{itemId}': {
    expect: authorOrEditor,
    prepare: async (rounds, w) => ({ path: `/api/orgs/${w.org.slug}/items/${await authorsItem(rounds, w)}` }),
  },
  'PATCH /api/orgs/{slug}/items/{itemId}': {
    expect: authorOnly,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/items/${await authorsItem(rounds, w)}`,
      body: { title: 'Hand hygiene, revised' },
    }),
  },
  'GET /api/orgs/{slug}/items/{itemId}/versions': {
    expect: authorOrEditor,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/items/${await authorsItem(rounds, w)}/versions`,
    }),
  },
  'GET /api/orgs/{slug}/items/{itemId}/versions/{version}': {
    expect: authorOrEditor,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/items/${(await blockedItem(rounds, w)).itemId}/versions/1`,
    }),
  },
  'GET /api/orgs/{slug}/items/{itemId}/diff': {
    expect: authorOrEditor,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/items/${(await blockedItem(rounds, w, true)).itemId}/diff?from=1&to=2`,
    }),
  },
  'POST /api/orgs/{slug}/items/{itemId}/submit': {
    expect: authorOnly,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/items/${await authorsItem(rounds, w)}/submit`,
    }),
  },
  'POST /api/orgs/{slug}/items/{itemId}/versions/{version}/overrides': {
    expect: editorOnly,
    prepare: async (rounds, w) => {
      const { itemId, finding } = await blockedItem(rounds, w)
      return {
        path: `/api/orgs/${w.org.slug}/items/${itemId}/versions/1/overrides`,
        body: { ...finding, reason: 'Consent on file for this case' },
      }
    },
  },
  'POST /api/orgs/{slug}/items/{itemId}/withdraw': {
    expect: authorOrEditor,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/items/${await authorsItem(rounds, w)}/withdraw`,
      body: { reason: 'Superseded' },
    }),
  },
  'GET /api/orgs/{slug}/items/{itemId}/review/candidates': {
    expect: editorOnly,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/items/${await submittedItem(rounds, w)}/review/candidates`,
    }),
  },
  'POST /api/orgs/{slug}/items/{itemId}/review/assignments': {
    expect: editorOnly,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/items/${await submittedItem(rounds, w)}/review/assignments`,
      body: {
        reviewerIds: [
          (await createTestMember(rounds, w.org.id, ['reviewer'])).id,
          (await createTestMember(rounds, w.org.id, ['reviewer'])).id,
        ],
      },
    }),
  },
  'GET /api/orgs/{slug}/items/{itemId}/review': {
    expect: reviewParties,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/items/${(await assignedItem(rounds, w)).itemId}/review`,
    }),
  },
  'GET /api/orgs/{slug}/items/{itemId}/review/version': {
    expect: assignedReviewerOnly,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/items/${(await assignedItem(rounds, w)).itemId}/review/version`,
    }),
  },
  'GET /api/orgs/{slug}/items/{itemId}/review/diff': {
    expect: { ...assignedReviewerOnly, editor: 'allow' },
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/items/${(await assignedItem(rounds, w)).itemId}/review/diff?from=1`,
    }),
  },
  'PUT /api/orgs/{slug}/items/{itemId}/review/assignments/{assignmentId}': {
    expect: assignedReviewerOnly,
    prepare: async (rounds, w) => {
      const { itemId, assignmentId } = await assignedItem(rounds, w)
      return {
        path: `/api/orgs/${w.org.slug}/items/${itemId}/review/assignments/${assignmentId}`,
        body: { noConflict: true, accuracy: 5 },
      }
    },
  },
  'POST /api/orgs/{slug}/items/{itemId}/review/assignments/{assignmentId}/submit': {
    expect: assignedReviewerOnly,
    prepare: async (rounds, w) => {
      const { itemId, assignmentId } = await assignedItem(rounds, w, true)
      return { path: `/api/orgs/${w.org.slug}/items/${itemId}/review/assignments/${assignmentId}/submit` }
    },
  },
  'POST /api/orgs/{slug}/items/{itemId}/review/assignments/{assignmentId}/decline': {
    expect: assignedReviewerOnly,
    prepare: async (rounds, w) => {
      const { itemId, assignmentId } = await assignedItem(rounds, w)
      return {
        path: `/api/orgs/${w.org.slug}/items/${itemId}/review/assignments/${assignmentId}/decline`,
        body: { reason: 'On leave' },
      }
    },
  },
  'POST /api/orgs/{slug}/items/{itemId}/review/decision': {
    expect: editorOnly,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/items/${(await assignedItem(rounds, w, true, true)).itemId}/review/decision`,
      body: { decision: 'accept', message: 'Approved' },
    }),
  },
  'GET /api/orgs/{slug}/items/{itemId}/approvals': {
    expect: authorOrEditor,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/items/${await authorsItem(rounds, w)}/approvals`,
    }),
  },
  'GET /api/orgs/{slug}/items/{itemId}/uploads': {
    expect: authorOrEditor,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/items/${await authorsItem(rounds, w)}/uploads`,
    }),
  },
  'POST /api/orgs/{slug}/items/{itemId}/uploads': {
    expect: authorOnly,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/items/${await authorsItem(rounds, w)}/uploads`,
      body: { filename: 'film.png', size: 2048, kind: 'image' },
    }),
  },
  'GET /api/orgs/{slug}/items/{itemId}/uploads/{uploadId}': {
    expect: authorOrEditor,
    prepare: async (rounds, w) => ({ path: await openUpload(rounds, w) }),
  },
  'PATCH /api/orgs/{slug}/items/{itemId}/uploads/{uploadId}': {
    expect: authorOnly,
    prepare: async (rounds, w) => ({
      path: await openUpload(rounds, w),
      rawBody: 'PNG-',
      headers: { 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' },
    }),
  },
  'DELETE /api/orgs/{slug}/items/{itemId}/uploads/{uploadId}': {
    expect: authorOnly,
    prepare: async (rounds, w) => ({ path: await openUpload(rounds, w) }),
  },
  'POST /api/orgs/{slug}/items/{itemId}/uploads/{uploadId}/redact': {
    expect: authorOnly,
    prepare: async (rounds, w) => ({ path: `${await screenedUpload(rounds, w)}/redact`, body: {} }),
  },
  'GET /api/orgs/{slug}/items/{itemId}/uploads/{uploadId}/files/{name}': {
    expect: authorOrEditor,
    prepare: async (rounds, w) => ({ path: `${await screenedUpload(rounds, w)}/files/sanitised` }),
  },
  'GET /api/orgs/{slug}/items/{itemId}/uploads/{uploadId}/frames/{index}': {
    expect: authorOrEditor,
    prepare: async (rounds, w) => ({ path: `${await screenedUpload(rounds, w)}/frames/0` }),
  },
  'GET /api/orgs/{slug}/items/{itemId}/corrections': {
    expect: anyMember,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/items/${await authorsItem(rounds, w)}/corrections`,
    }),
  },
  'GET /api/orgs/{slug}/metrics': {
    expect: analyticsReaders,
    prepare: async (_, w) => ({ path: `/api/orgs/${w.org.slug}/metrics` }),
  },
  'GET /api/orgs/{slug}/analytics/series': {
    expect: analyticsReaders,
    prepare: async (_, w) => ({ path: `/api/orgs/${w.org.slug}/analytics/series` }),
  },
  'GET /api/orgs/{slug}/analytics/channels': {
    expect: analyticsReaders,
    prepare: async (_, w) => ({ path: `/api/orgs/${w.org.slug}/analytics/channels` }),
  },
  'GET /api/orgs/{slug}/analytics/research': {
    expect: analyticsReaders,
    prepare: async (_, w) => ({ path: `/api/orgs/${w.org.slug}/analytics/research` }),
  },
  'POST /api/orgs/{slug}/research/exports': {
    expect: analyticsReaders,
    prepare: async (_, w) => ({ path: `/api/orgs/${w.org.slug}/research/exports`, body: { k: 5 } }),
  },
  'GET /api/orgs/{slug}/research/exports': {
    expect: analyticsReaders,
    prepare: async (_, w) => ({ path: `/api/orgs/${w.org.slug}/research/exports` }),
  },
  'GET /api/orgs/{slug}/research/exports/codebook': {
    expect: analyticsReaders,
    prepare: async (_, w) => ({ path: `/api/orgs/${w.org.slug}/research/exports/codebook` }),
  },
  'GET /api/orgs/{slug}/research/exports/{exportId}': {
    expect: analyticsReaders,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/research/exports/${await researchExport(rounds, w, false)}`,
    }),
  },
  'GET /api/orgs/{slug}/research/exports/{exportId}/download': {
    expect: analyticsReaders,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/research/exports/${await researchExport(rounds, w, true)}/download`,
    }),
  },
  'GET /api/orgs/{slug}/items/{itemId}/metrics': {
    expect: analyticsReaders,
    // A published item: readers without review.manage are not told about unpublished ones.
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/items/${(await publishedItem(rounds, await castOf(rounds, w))).itemId}/metrics`,
    }),
  },
  'POST /api/orgs/{slug}/items/{itemId}/metrics/refresh': {
    expect: analyticsManagers,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/items/${await authorsItem(rounds, w)}/metrics/refresh`,
    }),
  },
  'POST /api/orgs/{slug}/metrics/imports/preview': {
    expect: analyticsManagers,
    prepare: async (_, w) => ({
      path: `/api/orgs/${w.org.slug}/metrics/imports/preview`,
      body: { filename: 'tweets.csv', csv: 'Tweet id,impressions,likes\n1856712093845112832,100,3\n' },
    }),
  },
  'POST /api/orgs/{slug}/metrics/imports': {
    expect: analyticsManagers,
    prepare: async (_, w) => ({
      path: `/api/orgs/${w.org.slug}/metrics/imports`,
      body: { filename: 'tweets.csv', csv: 'Tweet id,impressions,likes\n1856712093845112832,100,3\n' },
    }),
  },
  'GET /api/orgs/{slug}/channels': {
    expect: membersReaders,
    prepare: async (_, w) => ({ path: `/api/orgs/${w.org.slug}/channels` }),
  },
  'POST /api/orgs/{slug}/channels/{channel}/connect': {
    expect: membersReaders,
    prepare: async (_, w) => ({
      path: `/api/orgs/${w.org.slug}/channels/mastodon/connect`,
      body: { method: 'server-token', serviceUrl: fakes.mastodon.url, accessToken: 'masto-token' },
    }),
  },
  'POST /api/orgs/{slug}/channels/{channel}/oauth/start': {
    expect: membersReaders,
    prepare: async (_, w) => ({
      path: `/api/orgs/${w.org.slug}/channels/x/oauth/start`,
      body: { redirectUri: 'http://localhost:3000/publishing/callback/x' },
    }),
  },
  'POST /api/orgs/{slug}/channels/{channel}/oauth/callback': {
    expect: membersReaders,
    prepare: async (rounds, w, me) => ({
      path: `/api/orgs/${w.org.slug}/channels/x/oauth/callback`,
      body: await xConsent(rounds, w, me),
    }),
  },
  'DELETE /api/orgs/{slug}/channels/{channel}': {
    expect: membersReaders,
    prepare: async (rounds, w) => {
      await connectChannel(
        rounds.publishing,
        await loadActor(rounds.accounts, w.editor.id),
        w.org.slug,
        'mastodon',
        {
          method: 'server-token',
          serviceUrl: fakes.mastodon.url,
          accessToken: 'masto-token',
        },
      )
      return { path: `/api/orgs/${w.org.slug}/channels/mastodon` }
    },
  },
  'GET /api/orgs/{slug}/items/{itemId}/publishing/preview': {
    expect: editorOnly,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/items/${(await approvedItem(rounds, await castOf(rounds, w))).itemId}/publishing/preview`,
    }),
  },
  'GET /api/orgs/{slug}/items/{itemId}/publications': {
    expect: authorOrEditor,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/items/${(await approvedItem(rounds, await castOf(rounds, w))).itemId}/publications`,
    }),
  },
  'POST /api/orgs/{slug}/items/{itemId}/publications': {
    expect: editorOnly,
    prepare: async (rounds, w) => {
      const { itemId } = await approvedItem(rounds, await castOf(rounds, w))
      const p = await previewItem(
        rounds.publishing,
        await loadActor(rounds.accounts, w.editor.id),
        w.org.slug,
        itemId,
      )
      const own = p.previews.find((v) => v.channel === 'rounds')
      return {
        path: `/api/orgs/${w.org.slug}/items/${itemId}/publications`,
        body: {
          contentHash: p.contentHash,
          channels: [{ channel: 'rounds', previewHash: own?.previewHash }],
        },
      }
    },
  },
  'POST /api/orgs/{slug}/items/{itemId}/publications/{publicationId}/retry': {
    expect: editorOnly,
    prepare: async (rounds, w) => {
      const { itemId, publicationId } = await ownPagesPublication(rounds, w)
      await rounds.database.db
        .updateTable('publication')
        .set({ status: 'failed' })
        .where('id', '=', publicationId)
        .execute()
      await rounds.database.db
        .updateTable('delivery')
        .set({ status: 'failed' })
        .where('publication_id', '=', publicationId)
        .execute()
      return { path: `/api/orgs/${w.org.slug}/items/${itemId}/publications/${publicationId}/retry` }
    },
  },
  'POST /api/orgs/{slug}/items/{itemId}/publications/{publicationId}/cancel': {
    expect: editorOnly,
    prepare: async (rounds, w) => {
      const { itemId, publicationId } = await ownPagesPublication(rounds, w)
      return { path: `/api/orgs/${w.org.slug}/items/${itemId}/publications/${publicationId}/cancel` }
    },
  },
  'POST /api/orgs/{slug}/items/{itemId}/publications/{publicationId}/reschedule': {
    expect: editorOnly,
    prepare: async (rounds, w) => {
      const { itemId, publicationId } = await ownPagesPublication(rounds, w)
      return {
        path: `/api/orgs/${w.org.slug}/items/${itemId}/publications/${publicationId}/reschedule`,
        body: { scheduledAt: new Date(Date.now() + 7_200_000).toISOString() },
      }
    },
  },
  'POST /api/orgs/{slug}/items/{itemId}/publishing/withdraw': {
    expect: editorOnly,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/items/${(await approvedItem(rounds, await castOf(rounds, w))).itemId}/publishing/withdraw`,
      body: { reason: 'Superseded by new guidance' },
    }),
  },
  'POST /api/orgs/{slug}/items/{itemId}/publishing/corrections': {
    expect: editorOnly,
    prepare: async (rounds, w) => {
      const { itemId } = await publishedItem(rounds, await castOf(rounds, w))
      await postCorrection(
        rounds.accounts,
        await loadActor(rounds.accounts, w.editor.id),
        w.org.slug,
        itemId,
        {
          notice: 'Correction: the adult dose is 0.5 mg, not 5 mg.',
        },
      )
      return { path: `/api/orgs/${w.org.slug}/items/${itemId}/publishing/corrections` }
    },
  },
  'POST /api/orgs/{slug}/items/{itemId}/corrections': {
    expect: editorOnly,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/items/${(await publishedItem(rounds, await castOf(rounds, w))).itemId}/corrections`,
      body: { notice: 'Correction: the adult dose is 0.5 mg, not 5 mg.' },
    }),
  },
  'GET /api/orgs/{slug}/items/{itemId}/timeline': {
    expect: reviewParties,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/items/${(await assignedItem(rounds, w)).itemId}/timeline`,
    }),
  },
  'GET /api/orgs/{slug}/federation': {
    expect: membersReaders,
    prepare: async (_, w) => ({ path: `/api/orgs/${w.org.slug}/federation` }),
  },
  'POST /api/orgs/{slug}/federation/following': {
    expect: adminOnly,
    prepare: async (_, w) => ({
      path: `/api/orgs/${w.org.slug}/federation/following`,
      body: { account: `@${w.other.slug}@${new URL(TEST_BASE_URL).host}` },
    }),
  },
  'GET /api/orgs/{slug}/federation/inbox': {
    expect: membersReaders,
    prepare: async (_, w) => ({ path: `/api/orgs/${w.org.slug}/federation/inbox` }),
  },
  'POST /api/orgs/{slug}/federation/inbox/{receivedId}/like': {
    expect: editorOnly,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/federation/inbox/${await receivedPost(rounds, w)}/like`,
    }),
  },
  'POST /api/orgs/{slug}/federation/inbox/{receivedId}/announce': {
    expect: editorOnly,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/federation/inbox/${await receivedPost(rounds, w)}/announce`,
    }),
  },
  'GET /api/me/notifications': {
    expect: anySignedIn,
    prepare: async () => ({ path: '/api/me/notifications' }),
  },
  'POST /api/me/notifications/{notificationId}/read': {
    expect: anySignedIn,
    prepare: async (rounds, _, me) => ({
      path: `/api/me/notifications/${me ? await notificationFor(rounds, me.id) : 'none'}/read`,
    }),
  },
  'POST /api/me/notifications/read-all': {
    expect: anySignedIn,
    prepare: async () => ({ path: '/api/me/notifications/read-all' }),
  },
  'GET /api/me': { expect: anySignedIn, prepare: async () => ({ path: '/api/me' }) },
  'PUT /api/me/identity': {
    expect: anySignedIn,
    prepare: async () => ({
      path: '/api/me/identity',
      body: {
        displayName: 'Dr Someone',
        profession: 'doctor',
        registrationBody: 'GMC',
        registrationNumber: '7012345',
      },
    }),
  },
  'POST /api/orgs': {
    expect: anySignedIn,
    prepare: async () => ({ path: '/api/orgs', body: { slug: `new-${uniq()}`, name: 'A new organisation' } }),
  },
  'GET /api/orgs/{slug}/members': {
    expect: membersReaders,
    prepare: async (_, w) => ({ path: `/api/orgs/${w.org.slug}/members` }),
  },
  'PUT /api/orgs/{slug}/members/{userId}/roles': {
    expect: adminOnly,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/members/${(await target(rounds, w)).id}/roles`,
      body: { roles: ['reviewer'] },
    }),
  },
  'DELETE /api/orgs/{slug}/members/{userId}': {
    expect: adminOnly,
    prepare: async (rounds, w) => ({
      path: `/api/orgs/${w.org.slug}/members/${(await target(rounds, w)).id}`,
    }),
  },
  'POST /api/orgs/{slug}/invitations': {
    expect: adminOnly,
    prepare: async (_, w) => ({
      path: `/api/orgs/${w.org.slug}/invitations`,
      body: { email: `invitee-${uniq()}@example.org`, roles: ['author'] },
    }),
  },
  'GET /api/invitations/{token}': {
    expect: everyone,
    prepare: async (rounds, w) => ({
      path: `/api/invitations/${await inviteThroughApi(rounds, w.admin, w.org.slug, `p-${uniq()}@example.org`, ['author'])}`,
    }),
  },
  'POST /api/invitations/accept': {
    expect: anySignedIn,
    // Into an organisation of its own, sent to the caller's own address: accepting must not
    // make the outsider a member of w.org.
    prepare: async (rounds, _w, me) => ({
      path: '/api/invitations/accept',
      body: { token: await invitationElsewhere(rounds, me?.email ?? `a-${uniq()}@example.org`) },
    }),
  },
  'POST /api/orgs/{slug}/members/{userId}/identity/verification': {
    expect: adminOnly,
    prepare: async (rounds, w) => {
      const member = await target(rounds, w)
      await giveRegistration(rounds, member.id)
      return {
        path: `/api/orgs/${w.org.slug}/members/${member.id}/identity/verification`,
        body: { note: 'Checked the GMC register' },
      }
    },
  },
  'DELETE /api/orgs/{slug}/members/{userId}/identity/verification': {
    expect: adminOnly,
    prepare: async (rounds, w) => {
      const member = await target(rounds, w)
      await giveRegistration(rounds, member.id)
      await verifyAs(rounds, w.admin.id, w.org.slug, member.id)
      return { path: `/api/orgs/${w.org.slug}/members/${member.id}/identity/verification` }
    },
  },
  'GET /api/orgs/{slug}/audit': {
    expect: adminOnly,
    prepare: async (_, w) => ({ path: `/api/orgs/${w.org.slug}/audit` }),
  },
  'GET /api/me/disclosures': { expect: anySignedIn, prepare: async () => ({ path: '/api/me/disclosures' }) },
  'POST /api/me/disclosures/relationships': {
    expect: anySignedIn,
    prepare: async () => ({
      path: '/api/me/disclosures/relationships',
      body: { companyName: 'Pfizer', nature: 'speaker', startDate: '2025-01-01', endDate: null },
    }),
  },
  'PATCH /api/me/disclosures/relationships/{relationshipId}': {
    expect: anySignedIn,
    prepare: async (rounds, _w, me) => ({
      path: `/api/me/disclosures/relationships/${await relationshipOf(rounds, me?.id)}`,
      body: { endDate: null },
    }),
  },
  'DELETE /api/me/disclosures/relationships/{relationshipId}': {
    expect: anySignedIn,
    prepare: async (rounds, _w, me) => ({
      path: `/api/me/disclosures/relationships/${await relationshipOf(rounds, me?.id)}`,
    }),
  },
  'POST /api/me/disclosures/attestations': {
    expect: anySignedIn,
    // The kind that matches the caller's register as earlier cases left it.
    prepare: async (rounds, _w, me) => ({
      path: '/api/me/disclosures/attestations',
      body: {
        kind:
          me &&
          (await getMyDisclosures(rounds.accounts, await loadActor(rounds.accounts, me.id))).relationships
            .length > 0
            ? 'complete'
            : 'none',
      },
    }),
  },
  'GET /api/me/disclosures/statement': {
    expect: anySignedIn,
    prepare: async () => ({ path: '/api/me/disclosures/statement' }),
  },
  'GET /api/orgs/{slug}/disclosures': {
    expect: membersReaders,
    prepare: async (_, w) => ({ path: `/api/orgs/${w.org.slug}/disclosures` }),
  },
  'POST /api/orgs/{slug}/members/{userId}/relationships/{relationshipId}/mitigations': {
    expect: { ...adminOnly, admin: 403, editor: 'allow' },
    prepare: async (rounds, w) => {
      const member = await target(rounds, w)
      return {
        path: `/api/orgs/${w.org.slug}/members/${member.id}/relationships/${await relationshipOf(rounds, member.id)}/mitigations`,
        body: { steps: 'Extra independent review by a reviewer without ties to Pfizer' },
      }
    },
  },
  'GET /api/me/declared-conflicts': {
    expect: anySignedIn,
    prepare: async () => ({ path: '/api/me/declared-conflicts' }),
  },
  'POST /api/me/declared-conflicts': {
    expect: anySignedIn,
    prepare: async () => ({
      path: '/api/me/declared-conflicts',
      body: { companyName: 'Pfizer', reason: 'My partner works there' },
    }),
  },
  'DELETE /api/me/declared-conflicts/{conflictId}': {
    expect: anySignedIn,
    prepare: async (rounds, _w, me) => {
      if (!me) return { path: '/api/me/declared-conflicts/none' }
      const conflict = await declareConflict(rounds.accounts, await loadActor(rounds.accounts, me.id), {
        companyName: 'Roche',
        reason: 'My partner works there',
      })
      return { path: `/api/me/declared-conflicts/${conflict.id}` }
    },
  },
  'GET /api/orgs/{slug}/authors': {
    expect: anyMember,
    prepare: async (_, w) => ({ path: `/api/orgs/${w.org.slug}/authors` }),
  },
  'GET /api/companies': { expect: anySignedIn, prepare: async () => ({ path: '/api/companies?q=novo' }) },
  'GET /api/authors/{userId}/card': {
    expect: everyone,
    prepare: async (rounds, w) => ({
      path: `/api/authors/${(await target(rounds, w)).id}/card?org=${w.org.slug}`,
    }),
  },
}

/** A relationship on the user's register (a placeholder id when signed out: refused first). */
async function relationshipOf(rounds: TestRounds, userId: string | undefined): Promise<string> {
  if (!userId) return 'none'
  const { relationship } = await addRelationship(rounds.accounts, await loadActor(rounds.accounts, userId), {
    companyName: 'Pfizer',
    nature: 'consulting',
    natureDetail: null,
    startDate: '2025-01-01',
    endDate: null,
    amountBand: null,
  })
  return relationship.id
}

/** An invitation to a throwaway organisation, made by its admin through the use-case. */
async function invitationElsewhere(rounds: TestRounds, email: string): Promise<string> {
  const org = await createTestOrganisation(rounds)
  const admin = await createTestMember(rounds, org.id, ['admin'])
  await inviteMember(rounds.accounts, await loadActor(rounds.accounts, admin.id), org.slug, {
    email,
    roles: ['reviewer'],
  })
  return invitationTokenFor(rounds, email)
}

/** A lesson of the organisation's own, made by its admin through the use-case. */
async function orgLesson(rounds: TestRounds, w: World): Promise<string> {
  const admin = await loadActor(rounds.accounts, w.admin.id)
  return (await createLesson(rounds.accounts, admin, w.org.slug, { ...trainingLesson, sources: [] })).id
}

async function orgQuestion(rounds: TestRounds, w: World): Promise<string> {
  const admin = await loadActor(rounds.accounts, w.admin.id)
  return (
    await createQuestion(rounds.accounts, admin, w.org.slug, {
      ...trainingQuestion,
      options: trainingQuestion.options.map((o) => ({ ...o })),
      sources: [],
    })
  ).id
}

/** An open attempt of the caller's own (or, for callers outside the organisation, a member's). */
async function attemptOf(rounds: TestRounds, w: World, me?: SignedInUser): Promise<string> {
  await syncBuiltInTraining(rounds.accounts)
  // Researchers cannot start an attempt (no screening.use): they are refused another's.
  const inOrg = me && me.id !== w.outsider.id && me.id !== w.researcher.id
  const userId = inOrg ? me.id : (await target(rounds, w)).id
  return (await startAttempt(rounds.accounts, await loadActor(rounds.accounts, userId), w.org.slug)).id
}

async function authorsCertificate(rounds: TestRounds, w: World): Promise<string> {
  return (
    await issueCertificateAsOperator(rounds.accounts, { email: w.author.email, organisationId: w.org.id })
  ).id
}

/** A fresh clean draft of the world's author, who is ready to submit (certificate, attestation). */
async function authorsItem(
  rounds: TestRounds,
  w: World,
  body = 'Five moments for hand hygiene.',
): Promise<string> {
  await issueCertificateAsOperator(rounds.accounts, { email: w.author.email, organisationId: w.org.id })
  await attestAsOperator(rounds.accounts, { email: w.author.email, kind: 'none' })
  const actor = await loadActor(rounds.accounts, w.author.id)
  return (await createItem(rounds.accounts, actor, w.org.slug, { kind: 'post', title: 'Hand hygiene', body }))
    .id
}

/** An upload opened on a fresh item of the world's author (2 kB declared, nothing sent): its path. */
async function openUpload(rounds: TestRounds, w: World): Promise<string> {
  const itemId = await authorsItem(rounds, w)
  const actor = await loadActor(rounds.accounts, w.author.id)
  const upload = await createUpload(rounds.media, actor, w.org.slug, itemId, {
    filename: 'film.png',
    size: 2048,
    kind: 'image',
  })
  return `/api/orgs/${w.org.slug}/items/${itemId}/uploads/${upload.id}`
}

/**
 * An upload as screening leaves it (a sanitised image, a frame, one finding with a box),
 * written directly so this table does not run OCR: its path.
 */
async function screenedUpload(rounds: TestRounds, w: World): Promise<string> {
  const path = await openUpload(rounds, w)
  const id = path.slice(path.lastIndexOf('/') + 1)
  const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#ccc' } })
    .png()
    .toBuffer()
  await rounds.media.storage.derivatives.put(`${id}/sanitised`, png)
  await rounds.media.storage.derivatives.put(`${id}/frames/00000.jpg`, await sharp(png).jpeg().toBuffer())
  await setUploadStatus(rounds.database.db, id, {
    status: 'ready',
    stage: 'screened',
    progress: 100,
    at: new Date().toISOString(),
    findings: [
      {
        ruleId: 'confidentiality.name',
        pack: 'confidentiality',
        category: 'name',
        severity: 'block',
        field: 'media',
        start: 0,
        end: 1,
        box: { x: 4, y: 4, width: 20, height: 10 },
        uploadId: id,
        text: 'Hartley',
        message: 'A name.',
        citation: 'HIPAA',
      },
    ],
    derivatives: {
      derivatives: [{ name: 'sanitised', mime: 'image/png', size: png.length, width: 64, height: 48 }],
      frames: [{ index: 0, time: 0, width: 64, height: 48 }],
    },
  })
  return path
}

/** A clean item of the world's author, submitted. */
async function submittedItem(rounds: TestRounds, w: World): Promise<string> {
  const itemId = await authorsItem(rounds, w)
  await submitItem(rounds.accounts, await loadActor(rounds.accounts, w.author.id), w.org.slug, itemId)
  return itemId
}

/**
 * A submitted item in review by the world's reviewer and a fresh one; `assignmentId` is the
 * world reviewer's. With `filled`, their review is complete; with `both`, both are submitted.
 */
async function assignedItem(rounds: TestRounds, w: World, filled = false, both = false) {
  const itemId = await submittedItem(rounds, w)
  const other = await createTestMember(rounds, w.org.id, ['reviewer'])
  const editor = await loadActor(rounds.accounts, w.editor.id)
  const round = await assignReviewers(rounds.accounts, editor, w.org.slug, itemId, {
    reviewerIds: [w.reviewer.id, other.id],
  })
  const id = (userId: string) => round.reviews.find((r) => r.reviewer.id === userId)?.assignmentId as string
  const people = both ? [w.reviewer.id, other.id] : filled ? [w.reviewer.id] : []
  for (const userId of people) {
    const actor = await loadActor(rounds.accounts, userId)
    await saveReview(rounds.accounts, actor, w.org.slug, itemId, id(userId), completeReview)
    if (both) await submitReview(rounds.accounts, actor, w.org.slug, itemId, id(userId))
  }
  return { itemId, assignmentId: id(w.reviewer.id) }
}

/** A draft whose submission screening refused (version 1; with `twice`, a changed version 2 as well). */
async function blockedItem(rounds: TestRounds, w: World, twice = false) {
  const itemId = await authorsItem(rounds, w, 'Mrs Ellen Hartley came in with new confusion.')
  const actor = await loadActor(rounds.accounts, w.author.id)
  await submitItem(rounds.accounts, actor, w.org.slug, itemId).catch(() => undefined)
  if (twice) {
    await updateItem(rounds.accounts, actor, w.org.slug, itemId, {
      body: 'Mrs Ellen Hartley came in confused.',
    })
    await submitItem(rounds.accounts, actor, w.org.slug, itemId).catch(() => undefined)
  }
  const v = await getItemVersion(rounds.accounts, actor, w.org.slug, itemId, 1)
  const f = v.screening?.unresolved[0]
  if (!f) throw new Error('expected a blocking finding')
  return { itemId, finding: { ruleId: f.ruleId, field: f.field, start: f.start, end: f.end, text: f.text } }
}

/** The world's people as a review cast, with a fresh second reviewer. */
async function castOf(rounds: TestRounds, w: World): Promise<ReviewCast> {
  const other = await createTestMember(rounds, w.org.id, ['reviewer'])
  return { org: w.org, author: w.author, editor: w.editor, reviewers: [w.reviewer, other] }
}

/** A notification for the user (through the notification use-case, in a transaction). */
async function notificationFor(rounds: TestRounds, userId: string): Promise<string> {
  await rounds.database.db.transaction().execute((tx) =>
    notify(tx, rounds.accounts, {
      userId,
      organisationId: null,
      itemId: null,
      kind: 'review.assigned',
      title: 'Review requested',
      body: 'Please review.',
      link: '/reviews',
    }),
  )
  const row = await rounds.database.db
    .selectFrom('notification')
    .select('id')
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow()
  return row.id
}

/** Fakes of the platforms the publishing routes talk to, started before the test server. */
const fakes = {} as { mastodon: MastodonFake; x: XFake }

/** An approved item scheduled on Rounds' own pages an hour from now: (item, publication). */
async function ownPagesPublication(rounds: TestRounds, w: World) {
  const { itemId } = await approvedItem(rounds, await castOf(rounds, w))
  const editor = await loadActor(rounds.accounts, w.editor.id)
  const p = await previewItem(rounds.publishing, editor, w.org.slug, itemId)
  const [pub] = await publishItem(rounds.publishing, editor, w.org.slug, itemId, {
    contentHash: p.contentHash,
    channels: [
      {
        channel: 'rounds',
        previewHash: p.previews.find((v) => v.channel === 'rounds')?.previewHash as string,
        scheduledAt: new Date(Date.now() + 3_600_000).toISOString(),
      },
    ],
  })
  return { itemId, publicationId: pub?.id as string }
}

/** The caller's OAuth state and the code X sends back after consent (any state for those who may not start one). */
async function xConsent(rounds: TestRounds, w: World, me?: SignedInUser) {
  const manager = me && (me.id === w.admin.id || me.id === w.editor.id)
  if (!manager) return { state: 'a-state-nobody-started-0123456789', code: 'code' }
  const start = await startOAuth(
    rounds.publishing,
    await loadActor(rounds.accounts, me.id),
    w.org.slug,
    'x',
    'http://localhost:3000/publishing/callback/x',
  )
  const back = new URL(
    (await fetch(start.authorizeUrl, { redirect: 'manual' })).headers.get('location') as string,
  )
  return { state: start.state, code: back.searchParams.get('code') as string }
}

/** Routes outside the table: better-auth's own, and the public health check. */
const excluded = (path: string) => path.startsWith('/api/auth/') || path === '/api/health'

const deniedCode = { 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'ORGANISATION_NOT_FOUND' } as const

type OpenApiDoc = { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> }

afterAll(async () => {
  await fakes.mastodon?.close()
  await fakes.x?.close()
})

describe.each(testDialects)('authorization of every route on %s', (dialect) => {
  let rounds: TestRounds
  let world: World
  let doc: OpenApiDoc

  beforeAll(async () => {
    fakes.mastodon ??= await startMastodonFake({ token: 'masto-token' })
    fakes.x ??= await startXFake()
    rounds = await createTestRounds(dialect, {
      env: {
        ROUNDS_CHANNEL_BASE_URLS: `x=${fakes.x.url}`,
        ROUNDS_OAUTH_X_CLIENT_ID: fakes.x.clientId,
        ROUNDS_OAUTH_X_CLIENT_SECRET: fakes.x.clientSecret,
      },
    })
    const roles = await createOrgWithRoles(rounds)
    world = { ...roles, researcher: await signedInMember(rounds, roles.org.id, ['researcher']) }
    doc = (await (await rounds.app.request('/api/openapi.json')).json()) as OpenApiDoc
  })
  afterAll(() => rounds?.close())

  it('covers every route in the OpenAPI document, and only those', () => {
    const documented = Object.entries(doc.paths)
      .filter(([path]) => !excluded(path))
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
      .sort()
    expect(documented.length).toBeGreaterThan(0)
    expect(Object.keys(table).sort(), 'add the new route to the table in authorization.test.ts').toEqual(
      documented,
    )
  })

  const cases = Object.entries(table).flatMap(([route, c]) =>
    actors.map((actor) => ({ route, actor, outcome: c.expect[actor], prepare: c.prepare })),
  )

  it.each(cases)('$route as $actor → $outcome', async ({ route, actor, outcome, prepare }) => {
    const [method, template] = route.split(' ') as [string, string]
    const me = actor === 'signedOut' ? undefined : (world[actor] as SignedInUser)
    const { path, body, rawBody, headers } = await prepare(rounds, world, me)
    const cookie = me?.cookie
    const auditBefore = await countAuditEvents(rounds)
    const res = await call(rounds, method, path, {
      ...(cookie ? { cookie } : {}),
      ...(body !== undefined ? { body } : {}),
      ...(rawBody !== undefined ? { rawBody } : {}),
      ...(headers ? { headers } : {}),
    })
    if (outcome === 'allow') {
      const documented = Object.keys(doc.paths[template]?.[method.toLowerCase()]?.responses ?? {}).filter(
        (s) => s.startsWith('2'),
      )
      expect(documented).toHaveLength(1)
      expect({ status: res.status, body: await res.text() }).toMatchObject({ status: Number(documented[0]) })
    } else {
      await expectError(res, outcome, deniedCode[outcome])
      expect(await countAuditEvents(rounds), 'a refused request must change nothing').toBe(auditBefore)
    }
  })
})

/** A post the world's organisation received from another organisation's actor on this Rounds. */
async function receivedPost(rounds: TestRounds, w: World): Promise<string> {
  const id = rounds.ids.next()
  await rounds.database.db
    .insertInto('federation_received')
    .values({
      id,
      organisation_id: w.org.id,
      object_uri: `${TEST_BASE_URL}/orgs/${w.other.slug}/posts/${id}`,
      actor_uri: `${TEST_BASE_URL}/orgs/${w.other.slug}`,
      object_type: 'Note',
      content: '<p>A teaching post</p>',
      url: null,
      published_at: null,
      received_at: new Date().toISOString(),
      like_uri: null,
      announce_uri: null,
    })
    .execute()
  return id
}

/** Editors and admins build surveys; researchers read their results; authors and reviewers do neither (decisions 020 and 026). */
const surveyContent = {
  title: 'Was this useful?',
  questions: [
    { id: 'q1', kind: 'likert', stem: 'Useful for my work', points: 5, anchors: ['1', '2', '3', '4', '5'] },
  ],
}

/** A fresh survey of the world's organisation (no responses), so each case acts on its own. */
async function orgSurvey(rounds: TestRounds, w: World): Promise<string> {
  const id = rounds.ids.next()
  const now = new Date().toISOString()
  const db = rounds.database.db
  await insertInstrument(db, {
    id,
    organisationId: w.org.id,
    status: 'active',
    currentVersion: 1,
    createdAt: now,
    updatedAt: now,
    createdBy: w.admin.id,
  })
  await insertVersion(db, {
    instrumentId: id,
    version: 1,
    title: surveyContent.title,
    introduction: '',
    questions: surveyContent.questions as never,
    createdAt: now,
    createdBy: w.admin.id,
  })
  return id
}

async function surveyAttachment(rounds: TestRounds, w: World, surveyId: string): Promise<string> {
  const id = rounds.ids.next()
  await insertAttachment(rounds.database.db, {
    id,
    organisationId: w.org.id,
    instrumentId: surveyId,
    itemId: await authorsItem(rounds, w),
    seriesId: null,
    timing: 'after_content',
    createdAt: new Date().toISOString(),
    createdBy: w.admin.id,
  })
  return id
}
