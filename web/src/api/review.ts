import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type {
  AssignRequest,
  Approval as SchemaApproval,
  Candidates as SchemaCandidates,
  Decision as SchemaDecision,
  Recommendation as SchemaRecommendation,
  Review as SchemaReview,
  ReviewDraft as SchemaReviewDraft,
  ReviewVersion as SchemaReviewVersion,
  Round as SchemaRound,
  SpanComment as SchemaSpanComment,
} from '../../../src/capabilities/review/review.schema.ts'
import { api } from './client.ts'
import { contentKeys, type VersionDiff } from './content.ts'
import { queryKeys } from './queries.ts'

/** Peer review: assignment, the reviewer's review, the editor's decision and approvals. */

export { RMETRIQ_MAX, rmetriqItems } from '../../../src/capabilities/review/review.schema.ts'
export type Approval = SchemaApproval
export type Candidates = SchemaCandidates
export type Decision = SchemaDecision
export type Recommendation = SchemaRecommendation
export type ReviewDraft = SchemaReviewDraft
export type Review = SchemaReview
export type ReviewVersion = SchemaReviewVersion
export type Round = SchemaRound
export type SpanComment = SchemaSpanComment

export const recommendationLabels: Record<Recommendation, string> = {
  accept: 'Accept',
  minor_revision: 'Minor revision',
  major_revision: 'Major revision',
  reject: 'Reject',
}

const item = (slug: string, itemId: string) =>
  `/api/orgs/${encodeURIComponent(slug)}/items/${encodeURIComponent(itemId)}`

export const reviewKeys = {
  all: (slug: string, itemId: string) => ['orgs', slug, 'items', itemId, 'review'] as const,
  round: (slug: string, itemId: string) => ['orgs', slug, 'items', itemId, 'review', 'round'] as const,
  candidates: (slug: string, itemId: string) =>
    ['orgs', slug, 'items', itemId, 'review', 'candidates'] as const,
  version: (slug: string, itemId: string) => ['orgs', slug, 'items', itemId, 'review', 'version'] as const,
  approvals: (slug: string, itemId: string) => ['orgs', slug, 'items', itemId, 'approvals'] as const,
  diff: (slug: string, itemId: string, from: number) =>
    ['orgs', slug, 'items', itemId, 'review', 'diff', from] as const,
}

export type MyAssignment = {
  assignmentId: string
  itemId: string
  kind: string
  title: string
  itemState: string
  versionNumber: number
  status: 'assigned' | 'declined' | 'submitted'
  dueAt: string
  assignedAt: string
  decided: boolean
  overdue: boolean
}

/** The signed-in reviewer's assignments in the organisation, open ones first. */
export function useMyAssignments(slug: string) {
  return useQuery({
    queryKey: ['my-reviews', slug],
    queryFn: () =>
      api<{ assignments: MyAssignment[] }>('GET', `/api/orgs/${encodeURIComponent(slug)}/me/reviews`),
    retry: false,
  })
}

export function useReviewRound(slug: string, itemId: string, enabled = true) {
  return useQuery({
    queryKey: reviewKeys.round(slug, itemId),
    queryFn: () => api<Round>('GET', `${item(slug, itemId)}/review`),
    enabled,
    retry: false,
  })
}

export function useReviewCandidates(slug: string, itemId: string, enabled = true) {
  return useQuery({
    queryKey: reviewKeys.candidates(slug, itemId),
    queryFn: () => api<Candidates>('GET', `${item(slug, itemId)}/review/candidates`),
    enabled,
  })
}

export function useReviewVersion(slug: string, itemId: string) {
  return useQuery({
    queryKey: reviewKeys.version(slug, itemId),
    queryFn: () => api<ReviewVersion>('GET', `${item(slug, itemId)}/review/version`),
    retry: false,
  })
}

/** For a reviewer: what changed between a version they reviewed and the version under review. */
export function useReviewDiff(slug: string, itemId: string, from: number | null) {
  return useQuery({
    queryKey: reviewKeys.diff(slug, itemId, from ?? 0),
    queryFn: () => api<VersionDiff>('GET', `${item(slug, itemId)}/review/diff?from=${from}`),
    enabled: from !== null,
    retry: false,
  })
}

export function useApprovals(slug: string, itemId: string, enabled = true) {
  return useQuery({
    queryKey: reviewKeys.approvals(slug, itemId),
    queryFn: () => api<{ approvals: Approval[] }>('GET', `${item(slug, itemId)}/approvals`),
    enabled,
  })
}

/** After any review change: the round, the item (its state) and the lists may all have moved. */
function useReviewChanged(slug: string, itemId: string) {
  const queryClient = useQueryClient()
  return () => {
    void queryClient.invalidateQueries({ queryKey: reviewKeys.all(slug, itemId) })
    void queryClient.invalidateQueries({ queryKey: reviewKeys.approvals(slug, itemId) })
    void queryClient.invalidateQueries({ queryKey: contentKeys.items(slug), exact: false })
    void queryClient.invalidateQueries({ queryKey: queryKeys.audit(slug) })
  }
}

export function useAssignReviewers(slug: string, itemId: string) {
  const changed = useReviewChanged(slug, itemId)
  return useMutation({
    mutationFn: (input: AssignRequest) =>
      api<Round>('POST', `${item(slug, itemId)}/review/assignments`, input),
    onSuccess: changed,
  })
}

export function useSaveReview(slug: string, itemId: string, assignmentId: string) {
  const changed = useReviewChanged(slug, itemId)
  return useMutation({
    mutationFn: (draft: ReviewDraft) =>
      api<Review>(
        'PUT',
        `${item(slug, itemId)}/review/assignments/${encodeURIComponent(assignmentId)}`,
        draft,
      ),
    onSuccess: changed,
  })
}

export function useSubmitReview(slug: string, itemId: string, assignmentId: string) {
  const changed = useReviewChanged(slug, itemId)
  return useMutation({
    mutationFn: () =>
      api<Review>(
        'POST',
        `${item(slug, itemId)}/review/assignments/${encodeURIComponent(assignmentId)}/submit`,
        {},
      ),
    onSuccess: changed,
  })
}

export function useDeclineReview(slug: string, itemId: string, assignmentId: string) {
  const changed = useReviewChanged(slug, itemId)
  return useMutation({
    mutationFn: (reason: string) =>
      api<Review>(
        'POST',
        `${item(slug, itemId)}/review/assignments/${encodeURIComponent(assignmentId)}/decline`,
        { reason },
      ),
    onSuccess: changed,
  })
}

export function useDecideReview(slug: string, itemId: string) {
  const changed = useReviewChanged(slug, itemId)
  return useMutation({
    mutationFn: (input: { decision: Decision; message: string }) =>
      api<Round>('POST', `${item(slug, itemId)}/review/decision`, input),
    onSuccess: changed,
  })
}
