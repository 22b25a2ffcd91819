import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type {
  Forwarding as SchemaForwarding,
  LrsClient as SchemaLrsClient,
  LrsClientCreated as SchemaLrsClientCreated,
  SetForwarding as SchemaSetForwarding,
} from '../../../src/capabilities/learning/xapi/lrs.schema.ts'
import { api } from './client.ts'

/** The Learning Record Store: clients (credentials for /xapi/) and forwarding to an external LRS. */

export type LrsClient = SchemaLrsClient
export type LrsClientCreated = SchemaLrsClientCreated
export type Forwarding = SchemaForwarding
export type SetForwarding = SchemaSetForwarding

const org = (slug: string) => `/api/orgs/${encodeURIComponent(slug)}`

export const lrsKeys = {
  clients: (slug: string) => ['orgs', slug, 'lrs-clients'] as const,
  forwarding: (slug: string) => ['orgs', slug, 'lrs-forwarding'] as const,
}

export function useLrsClients(slug: string) {
  return useQuery({
    queryKey: lrsKeys.clients(slug),
    queryFn: () => api<{ clients: LrsClient[]; endpoint: string }>('GET', `${org(slug)}/lrs-clients`),
  })
}

export function useCreateLrsClient(slug: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (name: string) => api<LrsClientCreated>('POST', `${org(slug)}/lrs-clients`, { name }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: lrsKeys.clients(slug) }),
  })
}

export function useRevokeLrsClient(slug: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (clientId: string) =>
      api<LrsClient>('POST', `${org(slug)}/lrs-clients/${encodeURIComponent(clientId)}/revoke`),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: lrsKeys.clients(slug) }),
  })
}

export function useForwarding(slug: string) {
  return useQuery({
    queryKey: lrsKeys.forwarding(slug),
    queryFn: () => api<{ forwarding: Forwarding | null }>('GET', `${org(slug)}/lrs-forwarding`),
  })
}

export function useSetForwarding(slug: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: SetForwarding) =>
      api<{ forwarding: Forwarding }>('PUT', `${org(slug)}/lrs-forwarding`, body),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: lrsKeys.forwarding(slug) }),
  })
}

export function useRemoveForwarding(slug: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: () => api<{ forwarding: null }>('DELETE', `${org(slug)}/lrs-forwarding`),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: lrsKeys.forwarding(slug) }),
  })
}
