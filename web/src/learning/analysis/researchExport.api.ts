import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type {
  Codebook as SchemaCodebook,
  ExportRequest as SchemaExportRequest,
  ResearchExport as SchemaResearchExport,
  ResearchExportList as SchemaResearchExportList,
} from '../../../../src/capabilities/learning/export/export.schema.ts'
import { api } from '../../api/client.ts'

/** Anonymised research exports: request one, follow its progress, download it; the codebook. */

export type ResearchExport = SchemaResearchExport
export type ResearchExportList = SchemaResearchExportList
export type ExportRequest = SchemaExportRequest
export type Codebook = SchemaCodebook

const base = (slug: string) => `/api/orgs/${encodeURIComponent(slug)}/research/exports`

export const exportDownloadUrl = (slug: string, id: string) =>
  `${base(slug)}/${encodeURIComponent(id)}/download`
export const codebookUrl = (slug: string) => `${base(slug)}/codebook`

export const researchExportKeys = {
  list: (slug: string) => ['orgs', slug, 'research', 'exports'] as const,
  codebook: (slug: string) => ['orgs', slug, 'research', 'codebook'] as const,
}

const pending = (e: ResearchExport) => e.status === 'queued' || e.status === 'running'

export function useResearchExports(slug: string) {
  return useQuery({
    queryKey: researchExportKeys.list(slug),
    queryFn: () => api<ResearchExportList>('GET', base(slug)),
    // Follows a running export's progress; stops polling once nothing is running.
    refetchInterval: (q) => (q.state.data?.exports.some(pending) ? 1000 : false),
  })
}

export function useRequestResearchExport(slug: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: ExportRequest) => api<ResearchExport>('POST', base(slug), body),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: researchExportKeys.list(slug) }),
  })
}

export function useResearchCodebook(slug: string, enabled: boolean) {
  return useQuery({
    queryKey: researchExportKeys.codebook(slug),
    queryFn: () => api<Codebook>('GET', codebookUrl(slug)),
    enabled,
    staleTime: Number.POSITIVE_INFINITY,
  })
}
