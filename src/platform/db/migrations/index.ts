import type { Migration } from 'kysely/migration'
import * as foundation from './2026-11-26T20-00-00-foundation.ts'
import * as screeningPolicy from './2026-11-26T21-00-00-screening-policy.ts'
import * as organisationSettings from './2026-11-26T22-00-00-organisation-settings.ts'
import * as training from './2026-11-26T22-10-00-training.ts'
import * as disclosures from './2026-11-26T22-20-00-disclosures.ts'
import * as content from './2026-11-26T23-00-00-content.ts'
import * as review from './2026-11-26T23-30-00-review.ts'
import * as notifications from './2026-11-27T00-00-00-notifications.ts'
import * as corrections from './2026-11-27T00-10-00-corrections.ts'
import * as declaredAuthorConflicts from './2026-11-27T00-30-00-declared-author-conflicts.ts'
import * as credentialIssuerKeys from './2026-11-27T00-35-00-credential-issuer-keys.ts'
import * as publishing from './2026-11-27T01-00-00-publishing.ts'
import * as federation from './2026-11-27T01-30-00-federation.ts'
import * as media from './2026-11-27T02-00-00-media.ts'
import * as xapi from './2026-11-27T03-00-00-xapi.ts'
import * as quizzes from './2026-11-27T03-30-00-quizzes.ts'
import * as metrics from './2026-11-27T04-00-00-metrics.ts'
import * as surveys from './2026-11-27T05-00-00-surveys.ts'
import * as researchExports from './2026-11-27T05-10-00-research-exports.ts'
import * as xapiAttachments from './2026-11-27T05-40-00-xapi-attachments.ts'
import * as jobOrderingKeys from './2026-11-27T06-20-00-job-ordering-keys.ts'
import * as researcherRole from './2026-11-28T02-00-00-researcher-role.ts'
import * as researchViews from './2026-11-28T03-00-00-research-views.ts'
import * as learningSessionOrganisation from './2026-11-28T04-00-00-learning-session-organisation.ts'

/**
 * Every migration, in order. Listed by hand (not read from disk) so the set is the same
 * under Node, Vitest and any bundler. Names are ISO timestamps and never change.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-26T20-00-00-foundation': foundation,
  '2026-11-26T21-00-00-screening-policy': screeningPolicy,
  '2026-11-26T22-00-00-organisation-settings': organisationSettings,
  '2026-11-26T22-10-00-training': training,
  '2026-11-26T22-20-00-disclosures': disclosures,
  '2026-11-26T23-00-00-content': content,
  '2026-11-26T23-30-00-review': review,
  '2026-11-27T00-00-00-notifications': notifications,
  '2026-11-27T00-10-00-corrections': corrections,
  '2026-11-27T00-30-00-declared-author-conflicts': declaredAuthorConflicts,
  '2026-11-27T00-35-00-credential-issuer-keys': credentialIssuerKeys,
  '2026-11-27T01-00-00-publishing': publishing,
  '2026-11-27T01-30-00-federation': federation,
  '2026-11-27T02-00-00-media': media,
  '2026-11-27T03-00-00-xapi': xapi,
  '2026-11-27T03-30-00-quizzes': quizzes,
  '2026-11-27T04-00-00-metrics': metrics,
  '2026-11-27T05-00-00-surveys': surveys,
  '2026-11-27T05-10-00-research-exports': researchExports,
  '2026-11-27T05-40-00-xapi-attachments': xapiAttachments,
  '2026-11-27T06-20-00-job-ordering-keys': jobOrderingKeys,
  '2026-11-28T02-00-00-researcher-role': researcherRole,
  '2026-11-28T03-00-00-research-views': researchViews,
  '2026-11-28T04-00-00-learning-session-organisation': learningSessionOrganisation,
}
