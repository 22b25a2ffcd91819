import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from './client.ts'
import { queryKeys } from './queries.ts'
import type {
  Answer,
  Attempt,
  AttemptResult,
  AttemptState,
  Attestation,
  AttestationKind,
  AuthorCard,
  Certificate,
  CertificateVerification,
  Company,
  CredentialVerification,
  DeclaredConflict,
  DeclaredConflictInput,
  Lesson,
  LessonInput,
  LessonSummary,
  MemberDisclosureList,
  Mitigation,
  MyDisclosures,
  OrganisationAuthor,
  OrganisationCertificate,
  OrganisationSettings,
  Question,
  QuestionInput,
  Readiness,
  RelationshipChange,
  RelationshipInput,
  TrainingStatus,
} from './types.ts'

/**
 * Professional standards: training and certificates, the disclosure register, the public author
 * card, the organisation's policy settings and the readiness gate.
 */

const org = (slug: string) => `/api/orgs/${encodeURIComponent(slug)}`
const seg = encodeURIComponent

export const standardsKeys = {
  readiness: (slug: string) => ['orgs', slug, 'readiness'] as const,
  settings: (slug: string) => ['orgs', slug, 'settings'] as const,
  training: (slug: string) => ['orgs', slug, 'training'] as const,
  trainingStatus: (slug: string) => ['orgs', slug, 'training', 'status'] as const,
  lessons: (slug: string) => ['orgs', slug, 'training', 'lessons'] as const,
  lesson: (slug: string, id: string) => ['orgs', slug, 'training', 'lessons', id] as const,
  questions: (slug: string) => ['orgs', slug, 'training', 'questions'] as const,
  attempt: (slug: string, id: string) => ['orgs', slug, 'training', 'attempts', id] as const,
  orgCertificates: (slug: string) => ['orgs', slug, 'certificates'] as const,
  myCertificates: ['my', 'certificates'] as const,
  disclosures: ['my', 'disclosures'] as const,
  declaredConflicts: ['my', 'declared-conflicts'] as const,
  authors: (slug: string) => ['orgs', slug, 'authors'] as const,
  memberDisclosures: (slug: string) => ['orgs', slug, 'disclosures'] as const,
  companies: (q: string) => ['companies', q] as const,
  authorCards: ['authors'] as const,
  authorCard: (userId: string, slug: string) => ['authors', userId, slug] as const,
  verification: (id: string) => ['certificates', id] as const,
}

// ---- readiness and settings ----

export function useReadiness(slug: string, enabled = true) {
  return useQuery({
    queryKey: standardsKeys.readiness(slug),
    queryFn: () => api<Readiness>('GET', `${org(slug)}/me/readiness`),
    enabled,
  })
}

export function useOrganisationSettings(slug: string) {
  return useQuery({
    queryKey: standardsKeys.settings(slug),
    queryFn: () => api<OrganisationSettings>('GET', `${org(slug)}/settings`),
    staleTime: 30_000,
  })
}

export function useSaveOrganisationSettings(slug: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (patch: Partial<OrganisationSettings>) =>
      api<OrganisationSettings>('PATCH', `${org(slug)}/settings`, patch),
    onSuccess: (saved) => {
      queryClient.setQueryData(standardsKeys.settings(slug), saved)
      void queryClient.invalidateQueries({ queryKey: queryKeys.audit(slug) })
      void queryClient.invalidateQueries({ queryKey: standardsKeys.training(slug) })
    },
  })
}

// ---- training ----

export function useTrainingStatus(slug: string) {
  return useQuery({
    queryKey: standardsKeys.trainingStatus(slug),
    queryFn: () => api<TrainingStatus>('GET', `${org(slug)}/training`),
  })
}

export function useLessons(slug: string) {
  return useQuery({
    queryKey: standardsKeys.lessons(slug),
    queryFn: () => api<LessonSummary[]>('GET', `${org(slug)}/training/lessons`),
  })
}

export function useLesson(slug: string, lessonId: string, enabled = true) {
  return useQuery({
    queryKey: standardsKeys.lesson(slug, lessonId),
    queryFn: () => api<Lesson>('GET', `${org(slug)}/training/lessons/${seg(lessonId)}`),
    enabled,
    retry: false,
  })
}

export function useQuestionBank(slug: string) {
  return useQuery({
    queryKey: standardsKeys.questions(slug),
    queryFn: () => api<Question[]>('GET', `${org(slug)}/training/questions`),
  })
}

function useRefreshTraining(slug: string) {
  const queryClient = useQueryClient()
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: standardsKeys.training(slug) }),
      queryClient.invalidateQueries({ queryKey: queryKeys.audit(slug) }),
    ])
}

export function useSaveLesson(slug: string) {
  const refresh = useRefreshTraining(slug)
  return useMutation({
    mutationFn: ({ id, input }: { id: string | null; input: LessonInput }) =>
      id
        ? api<Lesson>('PUT', `${org(slug)}/training/lessons/${seg(id)}`, input)
        : api<Lesson>('POST', `${org(slug)}/training/lessons`, input),
    onSuccess: refresh,
  })
}

export function useWithdrawLesson(slug: string) {
  const refresh = useRefreshTraining(slug)
  return useMutation({
    mutationFn: (id: string) => api<Lesson>('DELETE', `${org(slug)}/training/lessons/${seg(id)}`),
    onSuccess: refresh,
  })
}

export function useSaveQuestion(slug: string) {
  const refresh = useRefreshTraining(slug)
  return useMutation({
    mutationFn: ({ id, input }: { id: string | null; input: QuestionInput }) =>
      id
        ? api<Question>('PUT', `${org(slug)}/training/questions/${seg(id)}`, input)
        : api<Question>('POST', `${org(slug)}/training/questions`, input),
    onSuccess: refresh,
  })
}

export function useWithdrawQuestion(slug: string) {
  const refresh = useRefreshTraining(slug)
  return useMutation({
    mutationFn: (id: string) => api<Question>('DELETE', `${org(slug)}/training/questions/${seg(id)}`),
    onSuccess: refresh,
  })
}

export function useStartAttempt(slug: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: () => api<Attempt>('POST', `${org(slug)}/training/attempts`),
    onSuccess: (attempt) =>
      queryClient.setQueryData<AttemptState>(standardsKeys.attempt(slug, attempt.id), {
        ...attempt,
        result: null,
      }),
  })
}

export function useAttempt(slug: string, attemptId: string) {
  return useQuery({
    queryKey: standardsKeys.attempt(slug, attemptId),
    queryFn: () => api<AttemptState>('GET', `${org(slug)}/training/attempts/${seg(attemptId)}`),
    retry: false,
    // Answers in progress live in the form; refetching would not change the questions.
    refetchOnWindowFocus: false,
  })
}

export function useSubmitAttempt(slug: string, attemptId: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (answers: Answer[]) =>
      api<AttemptResult>('POST', `${org(slug)}/training/attempts/${seg(attemptId)}/submit`, { answers }),
    onSuccess: (result) => {
      queryClient.setQueryData<AttemptState>(standardsKeys.attempt(slug, attemptId), (state) =>
        state ? { ...state, status: 'submitted', result } : state,
      )
      if (result.passed) {
        void queryClient.invalidateQueries({ queryKey: standardsKeys.trainingStatus(slug) })
        void queryClient.invalidateQueries({ queryKey: standardsKeys.readiness(slug) })
        void queryClient.invalidateQueries({ queryKey: standardsKeys.myCertificates })
        void queryClient.invalidateQueries({ queryKey: standardsKeys.orgCertificates(slug) })
      }
    },
  })
}

export function useMyCertificates() {
  return useQuery({
    queryKey: standardsKeys.myCertificates,
    queryFn: () => api<Certificate[]>('GET', '/api/me/certificates'),
  })
}

export function useOrganisationCertificates(slug: string) {
  return useQuery({
    queryKey: standardsKeys.orgCertificates(slug),
    queryFn: () => api<OrganisationCertificate[]>('GET', `${org(slug)}/certificates`),
  })
}

/** Where a certificate's documents are (same-origin links: the session cookie goes with them). */
export function certificateLinks(slug: string, certificateId: string) {
  const base = `${org(slug)}/certificates/${seg(certificateId)}`
  return { pdf: `${base}/pdf`, html: `${base}/html`, credential: `${base}/credential` }
}

/** Checks a signed credential (the text of a .jwt file) against its issuer's keys and record. */
export function useVerifyCredential() {
  return useMutation({
    mutationFn: (credential: string) =>
      api<CredentialVerification>('POST', '/api/public/credentials/verify', { credential }),
  })
}

/** Revokes a certificate of the organisation (admins). */
export function useRevokeCertificate(slug: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (v: { certificateId: string; reason: string }) =>
      api<CertificateVerification>('POST', `${org(slug)}/certificates/${seg(v.certificateId)}/revoke`, {
        reason: v.reason,
      }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: standardsKeys.orgCertificates(slug) })
      void queryClient.invalidateQueries({ queryKey: standardsKeys.myCertificates })
    },
  })
}

export function useCertificateVerification(certificateId: string) {
  return useQuery({
    queryKey: standardsKeys.verification(certificateId),
    queryFn: () => api<CertificateVerification>('GET', `/api/certificates/${seg(certificateId)}`),
    retry: false,
  })
}

// ---- disclosures ----

export function useMyDisclosures() {
  return useQuery({
    queryKey: standardsKeys.disclosures,
    queryFn: () => api<MyDisclosures>('GET', '/api/me/disclosures'),
  })
}

/** After any change to one's own register: the register, readiness everywhere, the author card. */
function useRefreshDisclosures() {
  const queryClient = useQueryClient()
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: standardsKeys.disclosures }),
      queryClient.invalidateQueries({ queryKey: standardsKeys.authorCards }),
      queryClient.invalidateQueries({
        predicate: (query) =>
          query.queryKey[0] === 'orgs' && ['readiness', 'disclosures'].includes(String(query.queryKey[2])),
      }),
    ])
}

export function useAddRelationship() {
  const refresh = useRefreshDisclosures()
  return useMutation({
    mutationFn: (input: RelationshipInput) =>
      api<RelationshipChange>('POST', '/api/me/disclosures/relationships', input),
    onSuccess: refresh,
  })
}

export function useUpdateRelationship() {
  const refresh = useRefreshDisclosures()
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: Partial<RelationshipInput> }) =>
      api<RelationshipChange>('PATCH', `/api/me/disclosures/relationships/${seg(id)}`, patch),
    onSuccess: refresh,
  })
}

export function useRemoveRelationship() {
  const refresh = useRefreshDisclosures()
  return useMutation({
    mutationFn: (id: string) => api<void>('DELETE', `/api/me/disclosures/relationships/${seg(id)}`),
    onSuccess: refresh,
  })
}

export function useAttest() {
  const refresh = useRefreshDisclosures()
  return useMutation({
    mutationFn: (kind: AttestationKind) =>
      api<{ attestation: Attestation }>('POST', '/api/me/disclosures/attestations', { kind }),
    onSuccess: refresh,
  })
}

export function useCompanySearch(q: string) {
  const term = q.trim()
  return useQuery({
    queryKey: standardsKeys.companies(term.toLowerCase()),
    queryFn: () =>
      api<{ companies: Company[] }>('GET', `/api/companies?${new URLSearchParams({ q: term, limit: '12' })}`),
    enabled: term.length >= 2,
    staleTime: 5 * 60_000,
    placeholderData: (previous) => previous,
  })
}

export function useMemberDisclosures(slug: string) {
  return useQuery({
    queryKey: standardsKeys.memberDisclosures(slug),
    queryFn: () => api<MemberDisclosureList>('GET', `${org(slug)}/disclosures`),
  })
}

export function useRecordMitigation(slug: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({
      userId,
      relationshipId,
      steps,
    }: {
      userId: string
      relationshipId: string
      steps: string
    }) =>
      api<{ mitigation: Mitigation }>(
        'POST',
        `${org(slug)}/members/${seg(userId)}/relationships/${seg(relationshipId)}/mitigations`,
        { steps },
      ),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: standardsKeys.memberDisclosures(slug) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.audit(slug) }),
      ]),
  })
}

export function useDeclaredConflicts() {
  return useQuery({
    queryKey: standardsKeys.declaredConflicts,
    queryFn: () => api<{ conflicts: DeclaredConflict[] }>('GET', '/api/me/declared-conflicts'),
  })
}

/** The organisation's authors, by name and profession (any member). */
export function useOrganisationAuthors(slug: string) {
  return useQuery({
    queryKey: standardsKeys.authors(slug),
    queryFn: () => api<{ authors: OrganisationAuthor[] }>('GET', `${org(slug)}/authors`),
    enabled: slug !== '',
  })
}

export function useDeclareConflict() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: DeclaredConflictInput) =>
      api<{ conflict: DeclaredConflict }>('POST', '/api/me/declared-conflicts', input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: standardsKeys.declaredConflicts }),
  })
}

export function useWithdrawConflict() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => api<void>('DELETE', `/api/me/declared-conflicts/${seg(id)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: standardsKeys.declaredConflicts }),
  })
}

// ---- the public author card ----

export function useAuthorCard(userId: string, slug: string, enabled = true) {
  return useQuery({
    queryKey: standardsKeys.authorCard(userId, slug),
    queryFn: () =>
      api<AuthorCard>('GET', `/api/authors/${seg(userId)}/card?${new URLSearchParams({ org: slug })}`),
    enabled: enabled && Boolean(userId && slug),
    retry: false,
  })
}
