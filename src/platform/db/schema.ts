import type { ColumnType } from 'kysely'

/**
 * Table types for Kysely. Timestamps are ISO-8601 strings on the way in; SQLite returns
 * strings and PostgreSQL returns Date, so repositories read them through `toIso`.
 * `test/db/schema-drift.test.ts` compares this file with the migrated database.
 */
type Timestamp = ColumnType<Date | string, string, string>
type NullableTimestamp = ColumnType<Date | string | null, string | null | undefined, string | null>
/** Stored as 0/1: SQLite has no boolean, and PostgreSQL's boolean accepts '0'/'1'. */
type Flag = ColumnType<number | boolean, number | boolean, number | boolean>

export interface AuthUserTable {
  id: string
  name: string
  email: string
  email_verified: Flag
  image: string | null
  created_at: Timestamp
  updated_at: Timestamp
}

export interface AuthSessionTable {
  id: string
  expires_at: Timestamp
  token: string
  created_at: Timestamp
  updated_at: Timestamp
  ip_address: string | null
  user_agent: string | null
  user_id: string
}

export interface AuthAccountTable {
  id: string
  account_id: string
  provider_id: string
  user_id: string
  access_token: string | null
  refresh_token: string | null
  id_token: string | null
  access_token_expires_at: NullableTimestamp
  refresh_token_expires_at: NullableTimestamp
  scope: string | null
  password: string | null
  created_at: Timestamp
  updated_at: Timestamp
}

export interface AuthVerificationTable {
  id: string
  identifier: string
  value: string
  expires_at: Timestamp
  created_at: Timestamp
  updated_at: Timestamp
}

export interface OrganisationTable {
  id: string
  slug: string
  name: string
  description: string
  created_at: Timestamp
}

export interface MembershipTable {
  organisation_id: string
  user_id: string
  role: string
  created_at: Timestamp
}

export interface InvitationTable {
  id: string
  organisation_id: string
  email: string
  roles: string
  token_hash: string
  invited_by: string
  created_at: Timestamp
  expires_at: Timestamp
  accepted_at: NullableTimestamp
  accepted_by: string | null
}

export interface ProfessionalIdentityTable {
  user_id: string
  display_name: string
  profession: string | null
  registration_body: string | null
  registration_number: string | null
  updated_at: Timestamp
  verified_at: NullableTimestamp
  verified_by: string | null
  verified_organisation_id: string | null
  verification_note: string | null
}

export interface AuditHeadTable {
  id: number
  seq: number
  last_hash: string
}

export interface AuditEventTable {
  seq: number
  id: string
  occurred_at: Timestamp
  actor_id: string | null
  action: string
  resource_type: string
  resource_id: string
  organisation_id: string | null
  summary: string
  prev_hash: string
  hash: string
}

export interface JobTable {
  id: string
  name: string
  payload: string
  status: 'queued' | 'running' | 'done' | 'dead'
  attempts: number
  max_attempts: number
  run_at: Timestamp
  locked_by: string | null
  locked_until: NullableTimestamp
  last_error: string | null
  created_at: Timestamp
  updated_at: Timestamp
  /** Jobs sharing a key run one at a time, in ordering_seq order. */
  ordering_key: string | null
  ordering_seq: number | null
}

export interface MailOutboxTable {
  id: string
  to_address: string
  subject: string
  text_body: string
  created_at: Timestamp
  sent_at: NullableTimestamp
}

export interface ScreeningPolicyTable {
  organisation_id: string
  version: number
  policy: string
  note: string
  created_by: string | null
  created_at: Timestamp
}

export interface OrganisationSettingsTable {
  organisation_id: string
  guidance: string
  training_validity_months: number
  reviewers_required: number
  approval_expiry_months: number
  updated_at: Timestamp
  updated_by: string | null
}

export interface CompanyTable {
  id: string
  name: string
  normalised_name: string
  parent_name: string
  search_text: string
  source: string
  contributed_by: string | null
  created_at: Timestamp
}

export interface DisclosureRelationshipTable {
  id: string
  user_id: string
  company_id: string
  nature: string
  nature_detail: string | null
  start_date: string
  end_date: string | null
  amount_band: string | null
  created_at: Timestamp
  updated_at: Timestamp
  removed_at: NullableTimestamp
}

export interface DisclosureAttestationTable {
  id: string
  user_id: string
  kind: string
  relationship_count: number
  attested_at: Timestamp
  expires_at: Timestamp
  superseded_at: NullableTimestamp
}

export interface DisclosureMitigationTable {
  id: string
  relationship_id: string
  organisation_id: string
  steps: string
  recorded_by: string | null
  created_at: Timestamp
}

export interface DeclaredConflictTable {
  id: string
  user_id: string
  author_id: string | null
  company_id: string | null
  reason: string
  created_at: Timestamp
  withdrawn_at: NullableTimestamp
  category: string | null
  organisation_id: string | null
}

export interface TrainingLessonTable {
  id: string
  version: number
  organisation_id: string | null
  topic: string
  title: string
  summary: string
  body_md: string
  sources: string
  position: number
  status: 'draft' | 'published' | 'withdrawn'
  content_hash: string
  created_at: Timestamp
  created_by: string | null
}

export interface TrainingQuestionTable {
  id: string
  version: number
  organisation_id: string | null
  topic: string
  kind: 'single' | 'multiple'
  prompt: string
  options: string
  sources: string
  status: 'draft' | 'published' | 'withdrawn'
  content_hash: string
  created_at: Timestamp
  created_by: string | null
}

export interface TrainingAttemptTable {
  id: string
  user_id: string
  organisation_id: string
  seed: string
  draw: string
  status: 'draft' | 'submitted' | 'seeded'
  started_at: Timestamp
  expires_at: Timestamp
  submitted_at: NullableTimestamp
  answers: string | null
  score: number | null
  total: number
  passed: Flag
}

export interface TrainingCertificateTable {
  id: string
  user_id: string
  organisation_id: string
  attempt_id: string
  issued_at: Timestamp
  expires_at: Timestamp
  validity_months: number
  reminder_sent_at: NullableTimestamp
  revoked_at: NullableTimestamp
  revocation_reason: string | null
  revoked_by: string | null
}

export interface CredentialIssuerKeyTable {
  id: string
  organisation_id: string
  algorithm: string
  public_jwk: string
  private_jwk: string
  created_at: Timestamp
  retired_at: NullableTimestamp
}

export interface ContentSeriesTable {
  id: string
  organisation_id: string
  title: string
  description: string
  created_by: string | null
  created_at: Timestamp
}

export interface ContentItemTable {
  id: string
  organisation_id: string
  author_id: string
  series_id: string | null
  kind: string
  state: string
  fields: string
  content_hash: string
  created_at: Timestamp
  updated_at: Timestamp
}

export interface ContentVersionTable {
  id: string
  item_id: string
  number: number
  kind: string
  fields: string
  content_hash: string
  created_by: string | null
  created_at: Timestamp
}

export interface ContentScreeningTable {
  id: string
  version_id: string
  engine_version: string
  policy_version: string
  report: string
  blocking: number
  screened_by: string | null
  screened_at: Timestamp
}

export interface ContentFindingOverrideTable {
  id: string
  version_id: string
  rule_id: string
  field: string
  start_offset: number
  end_offset: number
  text: string
  reason: string
  created_by: string | null
  created_at: Timestamp
}

export interface ContentTransitionTable {
  id: string
  item_id: string
  event: string
  from_state: string
  to_state: string
  version_id: string | null
  reason: string
  actor_id: string | null
  occurred_at: Timestamp
}

export interface ReviewRoundTable {
  id: string
  item_id: string
  version_id: string
  anonymous: number
  created_by: string | null
  created_at: Timestamp
  decision: string | null
  decision_message: string | null
  decided_by: string | null
  decided_at: NullableTimestamp
}

export interface ReviewAssignmentTable {
  id: string
  round_id: string
  reviewer_id: string
  position: number
  status: string
  due_at: Timestamp
  assigned_by: string | null
  assigned_at: Timestamp
  decline_reason: string | null
  no_conflict_declared: number
  scores: string
  comments: string
  recommendation: string | null
  updated_at: Timestamp
  submitted_at: NullableTimestamp
}

export interface ReviewApprovalTable {
  id: string
  item_id: string
  version_id: string
  round_id: string
  content_hash: string
  approved_by: string | null
  approved_at: Timestamp
  expires_at: Timestamp
  status: string
  ended_at: NullableTimestamp
}

export interface NotificationTable {
  id: string
  user_id: string
  organisation_id: string | null
  item_id: string | null
  kind: string
  title: string
  body: string
  link: string
  dedupe_key: string | null
  created_at: Timestamp
  read_at: NullableTimestamp
}

export interface CorrectionNoticeTable {
  id: string
  item_id: string
  version_id: string
  notice: string
  posted_by: string | null
  posted_at: Timestamp
}

export interface FederationKvTable {
  key: string
  value: string
  expires_at: NullableTimestamp
}

export interface FederationActorKeyTable {
  id: string
  organisation_id: string
  algorithm: string
  public_jwk: string
  private_jwk: string
  created_at: Timestamp
}

export interface FederationFollowerTable {
  id: string
  organisation_id: string
  actor_uri: string
  inbox_url: string
  shared_inbox_url: string | null
  follow_uri: string
  created_at: Timestamp
}

export interface FederationFollowingTable {
  id: string
  organisation_id: string
  actor_uri: string
  handle: string
  inbox_url: string
  follow_uri: string
  accepted_at: NullableTimestamp
  created_at: Timestamp
}

export interface FederationPostTable {
  id: string
  organisation_id: string
  idempotency_key: string
  object_type: string
  name: string | null
  content: string
  url: string
  in_reply_to: string | null
  language: string | null
  hashtags: string
  published_at: Timestamp
  deleted_at: NullableTimestamp
}

export interface FederationMediaTable {
  id: string
  post_id: string
  position: number
  kind: string
  media_type: string
  alt_text: string | null
  captions_vtt: string | null
  data_base64: string
}

export interface FederationInteractionTable {
  id: string
  organisation_id: string
  post_id: string
  kind: string
  activity_uri: string
  actor_uri: string
  created_at: Timestamp
}

export interface FederationReceivedTable {
  id: string
  organisation_id: string
  object_uri: string
  actor_uri: string
  object_type: string
  content: string
  url: string | null
  published_at: NullableTimestamp
  received_at: Timestamp
  like_uri: string | null
  announce_uri: string | null
}

export interface ChannelAccountTable {
  id: string
  organisation_id: string
  channel: string
  name: string
  remote_account_id: string | null
  service_url: string
  status: string
  credentials: string | null
  expires_at: NullableTimestamp
  last_error: string | null
  connected_by: string | null
  connected_at: Timestamp
  refreshed_at: NullableTimestamp
  updated_at: Timestamp
}

export interface ChannelOauthStateTable {
  state_hash: string
  organisation_id: string
  channel: string
  code_verifier: string
  redirect_uri: string
  created_by: string
  created_at: Timestamp
  expires_at: Timestamp
}

export interface PublicationTable {
  id: string
  organisation_id: string
  item_id: string
  version_id: string
  content_hash: string
  channel: string
  account_id: string | null
  status: string
  scheduled_at: Timestamp
  rendered: string
  render_hash: string
  error: string | null
  claimed_by: string | null
  claimed_until: NullableTimestamp
  created_by: string | null
  created_at: Timestamp
  updated_at: Timestamp
  published_at: NullableTimestamp
  withdrawn_at: NullableTimestamp
}

export interface DeliveryTable {
  id: string
  publication_id: string
  kind: string
  part_index: number
  correction_id: string | null
  idempotency_key: string
  status: string
  attempts: number
  next_attempt_at: NullableTimestamp
  remote_id: string | null
  remote_ref: string | null
  remote_url: string | null
  last_error: string | null
  sent_at: NullableTimestamp
  deleted_at: NullableTimestamp
  updated_at: Timestamp
}

/** Bytes: bigint in the database (PostgreSQL returns it as a string). */
type ByteCount = ColumnType<number | string, number, number>

export interface MediaUploadTable {
  id: string
  organisation_id: string
  item_id: string
  uploaded_by: string | null
  kind: string
  filename: string
  mime: string | null
  size: ByteCount
  received: ByteCount
  status: string
  stage: string
  progress: number
  error_code: string | null
  error_message: string | null
  width: number | null
  height: number | null
  duration: number | null
  metadata: string
  findings: string
  derivatives: string
  created_at: Timestamp
  updated_at: Timestamp
  screened_at: NullableTimestamp
}

export interface LrsClientTable {
  id: string
  organisation_id: string
  name: string
  key: string
  secret_hash: string
  created_by: string | null
  created_at: Timestamp
  last_used_at: NullableTimestamp
  revoked_at: NullableTimestamp
}

export interface XapiStatementTable {
  organisation_id: string
  id: string
  /** ISO-8601 text (UTC, milliseconds): sorts as text on both databases. */
  stored: string
  verb_id: string
  registration: string | null
  voids: string | null
  voided: number
  client_id: string | null
  statement: string
}

export interface XapiStatementRefTable {
  organisation_id: string
  statement_id: string
  kind: string
  value: string
  direct: number
}

export interface LrsForwardingTable {
  organisation_id: string
  endpoint: string
  username: string
  secret: string
  version: string
  updated_by: string | null
  updated_at: Timestamp
}

export interface XapiForwardOutboxTable {
  organisation_id: string
  statement_id: string
  created_at: Timestamp
  next_attempt_at: Timestamp
  attempts: number
  last_error: string | null
}

export interface XapiAttachmentTable {
  organisation_id: string
  /** Lower-case hex SHA-2 of the content. */
  sha2: string
  content_type: string
  length: number
  content: Uint8Array
  created_at: Timestamp
}

export interface LearnerTable {
  id: string
  user_id: string | null
  consent_version: string
  consented_at: Timestamp
}

export interface LearningSessionTable {
  id: string
  organisation_id: string
  item_id: string
  version_id: string
  learner_id: string
  delayed_token_hash: string | null
  delayed_due_at: NullableTimestamp
  reminded_at: NullableTimestamp
  created_at: Timestamp
}

export interface QuizAttemptTable {
  id: string
  session_id: string
  kind: string
  answers: string
  raw: number
  max: number
  passed: number
  created_at: Timestamp
}

export interface MetricSnapshotTable {
  id: string
  organisation_id: string
  item_id: string
  channel: string
  remote_id: string
  metric: string
  /** double precision: PostgreSQL returns a number. */
  value: number
  source: string
  period: string
  captured_at: Timestamp
  import_id: string | null
}

export interface MetricPollTable {
  delivery_id: string
  next_at: Timestamp
  blocked_until: NullableTimestamp
  failures: ColumnType<number, number | undefined, number>
  last_polled_at: NullableTimestamp
  last_error: string | null
}

export interface MetricImportTable {
  id: string
  organisation_id: string
  layout: string
  filename: string
  file_hash: string
  as_of: string
  matched_rows: number
  values_written: number
  created_by: string | null
  created_at: Timestamp
}

/** The research view as last computed, per organisation and outcome (view is JSON). */
export interface ResearchViewTable {
  organisation_id: string
  outcome: string
  data_version: string
  computed_at: Timestamp
  view: string
}

export interface ResearchExportTable {
  id: string
  organisation_id: string
  requested_by: string | null
  params: string
  status: string
  stage: string
  progress: ColumnType<number, number | undefined, number>
  error_code: string | null
  error_message: string | null
  file_key: string | null
  file_size: ColumnType<number | string | null, number | null | undefined, number | null>
  file_sha256: string | null
  summary: ColumnType<string, string | undefined, string>
  created_at: Timestamp
  updated_at: Timestamp
  completed_at: NullableTimestamp
  expires_at: NullableTimestamp
}

export interface SurveyInstrumentTable {
  id: string
  organisation_id: string
  status: string
  current_version: number
  created_by: string | null
  created_at: Timestamp
  updated_at: Timestamp
}

export interface SurveyVersionTable {
  instrument_id: string
  version: number
  title: string
  introduction: string
  questions: string
  created_by: string | null
  created_at: Timestamp
}

export interface SurveyAttachmentTable {
  id: string
  organisation_id: string
  instrument_id: string
  item_id: string | null
  series_id: string | null
  timing: string
  created_by: string | null
  created_at: Timestamp
}

export interface SurveyResponseTable {
  id: string
  organisation_id: string
  attachment_id: string
  instrument_id: string
  instrument_version: number
  item_id: string
  session_id: string
  learner_id: string
  answers: string
  created_at: Timestamp
  updated_at: Timestamp
}

export interface DB {
  auth_user: AuthUserTable
  auth_session: AuthSessionTable
  auth_account: AuthAccountTable
  auth_verification: AuthVerificationTable
  organisation: OrganisationTable
  membership: MembershipTable
  invitation: InvitationTable
  professional_identity: ProfessionalIdentityTable
  audit_head: AuditHeadTable
  audit_event: AuditEventTable
  job: JobTable
  mail_outbox: MailOutboxTable
  screening_policy: ScreeningPolicyTable
  organisation_settings: OrganisationSettingsTable
  training_lesson: TrainingLessonTable
  training_question: TrainingQuestionTable
  training_attempt: TrainingAttemptTable
  training_certificate: TrainingCertificateTable
  credential_issuer_key: CredentialIssuerKeyTable
  company: CompanyTable
  disclosure_relationship: DisclosureRelationshipTable
  disclosure_attestation: DisclosureAttestationTable
  disclosure_mitigation: DisclosureMitigationTable
  declared_conflict: DeclaredConflictTable
  content_series: ContentSeriesTable
  content_item: ContentItemTable
  content_version: ContentVersionTable
  content_screening: ContentScreeningTable
  content_finding_override: ContentFindingOverrideTable
  content_transition: ContentTransitionTable
  review_round: ReviewRoundTable
  review_assignment: ReviewAssignmentTable
  review_approval: ReviewApprovalTable
  notification: NotificationTable
  correction_notice: CorrectionNoticeTable
  federation_kv: FederationKvTable
  federation_actor_key: FederationActorKeyTable
  federation_follower: FederationFollowerTable
  federation_following: FederationFollowingTable
  federation_post: FederationPostTable
  federation_media: FederationMediaTable
  federation_interaction: FederationInteractionTable
  federation_received: FederationReceivedTable
  channel_account: ChannelAccountTable
  channel_oauth_state: ChannelOauthStateTable
  publication: PublicationTable
  delivery: DeliveryTable
  media_upload: MediaUploadTable
  lrs_client: LrsClientTable
  xapi_statement: XapiStatementTable
  xapi_statement_ref: XapiStatementRefTable
  lrs_forwarding: LrsForwardingTable
  xapi_forward_outbox: XapiForwardOutboxTable
  xapi_attachment: XapiAttachmentTable
  learner: LearnerTable
  learning_session: LearningSessionTable
  quiz_attempt: QuizAttemptTable
  metric_snapshot: MetricSnapshotTable
  metric_poll: MetricPollTable
  metric_import: MetricImportTable
  survey_instrument: SurveyInstrumentTable
  survey_version: SurveyVersionTable
  survey_attachment: SurveyAttachmentTable
  survey_response: SurveyResponseTable
  research_export: ResearchExportTable
  research_view: ResearchViewTable
}
