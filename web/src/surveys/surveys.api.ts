import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type {
  AttachSurveyInput,
  SurveyAttachment,
  SurveyContentInput,
  SurveyDetail,
  SurveyList,
  SurveyResults,
  SurveyResultsAttachment,
  SurveyTemplate,
} from '../../../src/capabilities/learning/surveys/survey.schema.ts'
import { api } from '../api/client.ts'

export { MIN_READABLE_RESPONSES } from '../../../src/capabilities/learning/surveys/survey.schema.ts'

/** Survey instruments: builder, attachments, results and the CSV export (editors and admins). */

export type {
  AttachSurveyInput,
  SurveyAttachment,
  SurveyContentInput,
  SurveyDetail,
  SurveyList,
  SurveyResults,
  SurveyResultsAttachment,
  SurveyTemplate,
}

const base = (slug: string) => `/api/orgs/${encodeURIComponent(slug)}/surveys`
const one = (slug: string, id: string) => `${base(slug)}/${encodeURIComponent(id)}`

export const surveyKeys = {
  all: (slug: string) => ['orgs', slug, 'surveys'] as const,
  templates: (slug: string) => ['orgs', slug, 'surveys', 'templates'] as const,
  one: (slug: string, id: string) => ['orgs', slug, 'surveys', id] as const,
  results: (slug: string, id: string, version: number | null, attachment: string | null) =>
    ['orgs', slug, 'surveys', id, 'results', version ?? 'current', attachment ?? 'all'] as const,
  series: (slug: string) => ['orgs', slug, 'series'] as const,
}

export const csvUrl = (slug: string, id: string) => `${one(slug, id)}/responses.csv`

export function useSurveys(slug: string) {
  return useQuery({ queryKey: surveyKeys.all(slug), queryFn: () => api<SurveyList>('GET', base(slug)) })
}

export function useSurveyTemplates(slug: string) {
  return useQuery({
    queryKey: surveyKeys.templates(slug),
    queryFn: () => api<{ templates: SurveyTemplate[] }>('GET', `${base(slug)}/templates`),
    staleTime: Number.POSITIVE_INFINITY,
  })
}

export function useSurvey(slug: string, id: string | null) {
  return useQuery({
    queryKey: surveyKeys.one(slug, id ?? ''),
    queryFn: () => api<SurveyDetail>('GET', one(slug, id ?? '')),
    enabled: Boolean(id),
  })
}

/** One version's results, through every attachment or through one (`attachment`). */
export function useSurveyResults(
  slug: string,
  id: string,
  version: number | null,
  attachment: string | null = null,
) {
  const query = new URLSearchParams()
  if (version) query.set('version', String(version))
  if (attachment) query.set('attachment', attachment)
  const qs = query.toString()
  return useQuery({
    queryKey: surveyKeys.results(slug, id, version, attachment),
    queryFn: () => api<SurveyResults>('GET', `${one(slug, id)}/results${qs ? `?${qs}` : ''}`),
    // The selectors stay on screen while another version or attachment loads.
    placeholderData: keepPreviousData,
  })
}

export function useSeriesList(slug: string) {
  return useQuery({
    queryKey: surveyKeys.series(slug),
    queryFn: () =>
      api<{ series: Array<{ id: string; title: string }> }>(
        'GET',
        `/api/orgs/${encodeURIComponent(slug)}/series`,
      ),
  })
}

function useInvalidate(slug: string) {
  const client = useQueryClient()
  return () => client.invalidateQueries({ queryKey: surveyKeys.all(slug) })
}

export function useSaveSurvey(slug: string, id: string | null) {
  const invalidate = useInvalidate(slug)
  return useMutation({
    mutationFn: (content: SurveyContentInput) =>
      id ? api<SurveyDetail>('PUT', one(slug, id), content) : api<SurveyDetail>('POST', base(slug), content),
    onSuccess: () => invalidate(),
  })
}

export function useArchiveSurvey(slug: string, id: string) {
  const invalidate = useInvalidate(slug)
  return useMutation({
    mutationFn: () => api<SurveyDetail>('POST', `${one(slug, id)}/archive`),
    onSuccess: () => invalidate(),
  })
}

export function useDeleteSurvey(slug: string, id: string) {
  const invalidate = useInvalidate(slug)
  return useMutation({ mutationFn: () => api<void>('DELETE', one(slug, id)), onSuccess: () => invalidate() })
}

export function useAttachSurvey(slug: string, id: string) {
  const invalidate = useInvalidate(slug)
  return useMutation({
    mutationFn: (input: AttachSurveyInput) =>
      api<SurveyAttachment>('POST', `${one(slug, id)}/attachments`, input),
    onSuccess: () => invalidate(),
  })
}

export function useDetachSurvey(slug: string, id: string) {
  const invalidate = useInvalidate(slug)
  return useMutation({
    mutationFn: (attachmentId: string) =>
      api<void>('DELETE', `${one(slug, id)}/attachments/${encodeURIComponent(attachmentId)}`),
    onSuccess: () => invalidate(),
  })
}
