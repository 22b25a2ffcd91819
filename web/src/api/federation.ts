import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { z } from 'zod'
import type {
  federationSummarySchema,
  followingSchema,
  receivedPostSchema,
} from '../../../src/capabilities/federation/federation.schema.ts'
import { api } from './client.ts'

/** The organisation's own fediverse account: followers, follows, received posts. */

export type FederationSummary = z.infer<typeof federationSummarySchema>
export type Following = z.infer<typeof followingSchema>
export type ReceivedPost = z.infer<typeof receivedPostSchema>

const base = (slug: string) => `/api/orgs/${encodeURIComponent(slug)}/federation`

export const federationKeys = {
  summary: (slug: string) => ['orgs', slug, 'federation'] as const,
  inbox: (slug: string) => ['orgs', slug, 'federation', 'inbox'] as const,
}

export function useFederationSummary(slug: string, enabled = true) {
  return useQuery({
    queryKey: federationKeys.summary(slug),
    queryFn: () => api<FederationSummary>('GET', base(slug)),
    enabled,
  })
}

export function useFederationInbox(slug: string, enabled = true) {
  return useQuery({
    queryKey: federationKeys.inbox(slug),
    queryFn: () => api<{ posts: ReceivedPost[] }>('GET', `${base(slug)}/inbox`),
    enabled,
  })
}

export function useFollowAccount(slug: string) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (account: string) => api<Following>('POST', `${base(slug)}/following`, { account }),
    onSuccess: () => client.invalidateQueries({ queryKey: federationKeys.summary(slug) }),
  })
}

export function useReactToPost(slug: string) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: ({ id, kind }: { id: string; kind: 'like' | 'announce' }) =>
      api<ReceivedPost>('POST', `${base(slug)}/inbox/${encodeURIComponent(id)}/${kind}`),
    onSuccess: () => client.invalidateQueries({ queryKey: federationKeys.inbox(slug) }),
  })
}
