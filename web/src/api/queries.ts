import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, isApiError } from './client.ts'
import type {
  AuditEvent,
  Identity,
  IdentityInput,
  Invitation,
  Me,
  Member,
  MembersResponse,
  PublicInvitation,
  Role,
  ScreenInput,
  ScreeningPolicyInput,
  ScreeningPolicyState,
  ScreeningReport,
  ScreeningRules,
} from './types.ts'

export const queryKeys = {
  me: ['me'] as const,
  members: (slug: string) => ['orgs', slug, 'members'] as const,
  audit: (slug: string) => ['orgs', slug, 'audit'] as const,
  org: (slug: string) => ['orgs', slug] as const,
  invitation: (token: string) => ['invitations', token] as const,
  screeningPolicy: (slug: string) => ['orgs', slug, 'screening-policy'] as const,
  screeningRules: ['screening', 'rules'] as const,
}

/** The signed-in person, or null when signed out. */
export async function fetchMe(): Promise<Me | null> {
  try {
    return await api<Me>('GET', '/api/me')
  } catch (error) {
    if (isApiError(error) && error.status === 401) return null
    throw error
  }
}

export function useMe() {
  return useQuery({ queryKey: queryKeys.me, queryFn: fetchMe, staleTime: 30_000 })
}

// ---- auth (better-auth endpoints) ----

export function signIn(input: { email: string; password: string }) {
  return api<unknown>('POST', '/api/auth/sign-in/email', input)
}

export function signUp(input: { name: string; email: string; password: string }) {
  return api<unknown>('POST', '/api/auth/sign-up/email', input)
}

export function signOut() {
  return api<unknown>('POST', '/api/auth/sign-out', {})
}

export function requestPasswordReset(email: string) {
  return api<unknown>('POST', '/api/auth/request-password-reset', { email, redirectTo: '/reset-password' })
}

export function resetPassword(input: { newPassword: string; token: string }) {
  return api<unknown>('POST', '/api/auth/reset-password', input)
}

// ---- identity ----

export function useUpdateIdentity() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: IdentityInput) => api<Identity>('PUT', '/api/me/identity', input),
    onSuccess: (identity) => {
      queryClient.setQueryData<Me | null>(queryKeys.me, (me) => (me ? { ...me, identity } : me))
      void queryClient.invalidateQueries({ queryKey: queryKeys.me })
      void queryClient.invalidateQueries({ queryKey: ['orgs'] })
      // The name and registration appear on the author card and open the disclosure statement.
      void queryClient.invalidateQueries({ queryKey: ['authors'] })
      void queryClient.invalidateQueries({ queryKey: ['my', 'disclosures'] })
    },
  })
}

// ---- organisations ----

export function useCreateOrganisation() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: { slug: string; name: string; description?: string }) =>
      api<{ organisation: { id: string; slug: string; name: string } }>('POST', '/api/orgs', input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.me }),
  })
}

// ---- members ----

export function useMembers(slug: string, enabled = true) {
  return useQuery({
    queryKey: queryKeys.members(slug),
    queryFn: () => api<MembersResponse>('GET', `/api/orgs/${encodeURIComponent(slug)}/members`),
    enabled,
  })
}

function memberPath(slug: string, userId: string) {
  return `/api/orgs/${encodeURIComponent(slug)}/members/${encodeURIComponent(userId)}`
}

/** After any change to membership: refresh the list, the audit log and (it may be us) the session. */
function useRefreshOrg(slug: string) {
  const queryClient = useQueryClient()
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.members(slug) }),
      queryClient.invalidateQueries({ queryKey: queryKeys.audit(slug) }),
      queryClient.invalidateQueries({ queryKey: queryKeys.me }),
    ])
}

export function useUpdateMemberRoles(slug: string) {
  const refresh = useRefreshOrg(slug)
  return useMutation({
    mutationFn: ({ userId, roles }: { userId: string; roles: Role[] }) =>
      api<{ member: Member }>('PUT', `${memberPath(slug, userId)}/roles`, { roles }),
    onSuccess: refresh,
  })
}

export function useRemoveMember(slug: string) {
  const refresh = useRefreshOrg(slug)
  return useMutation({
    mutationFn: (userId: string) => api<void>('DELETE', memberPath(slug, userId)),
    onSuccess: refresh,
  })
}

export function useVerifyIdentity(slug: string) {
  const refresh = useRefreshOrg(slug)
  return useMutation({
    mutationFn: ({ userId, note }: { userId: string; note: string }) =>
      api<Identity>('POST', `${memberPath(slug, userId)}/identity/verification`, { note }),
    onSuccess: refresh,
  })
}

export function useRemoveVerification(slug: string) {
  const refresh = useRefreshOrg(slug)
  return useMutation({
    mutationFn: (userId: string) =>
      api<Identity>('DELETE', `${memberPath(slug, userId)}/identity/verification`),
    onSuccess: refresh,
  })
}

export function useInvite(slug: string) {
  const refresh = useRefreshOrg(slug)
  return useMutation({
    mutationFn: (input: { email: string; roles: Role[] }) =>
      api<{ invitation: Invitation }>('POST', `/api/orgs/${encodeURIComponent(slug)}/invitations`, input),
    onSuccess: refresh,
  })
}

// ---- invitations (the invitee's side) ----

export function useInvitation(token: string) {
  return useQuery({
    queryKey: queryKeys.invitation(token),
    queryFn: () => api<PublicInvitation>('GET', `/api/invitations/${encodeURIComponent(token)}`),
    retry: false,
  })
}

export function useAcceptInvitation() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (token: string) =>
      api<{ organisation: { slug: string; name: string }; roles: Role[] }>(
        'POST',
        '/api/invitations/accept',
        {
          token,
        },
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.me }),
  })
}

// ---- audit ----

export const auditPageSize = 50

export function useAuditLog(slug: string, enabled = true) {
  return useInfiniteQuery({
    queryKey: queryKeys.audit(slug),
    enabled,
    initialPageParam: null as number | null,
    queryFn: ({ pageParam }) => {
      const params = new URLSearchParams({ limit: String(auditPageSize) })
      if (pageParam !== null) params.set('before', String(pageParam))
      return api<{ events: AuditEvent[] }>('GET', `/api/orgs/${encodeURIComponent(slug)}/audit?${params}`)
    },
    getNextPageParam: (lastPage) => {
      if (lastPage.events.length < auditPageSize) return undefined
      const last = lastPage.events.at(-1)
      return last ? last.seq : undefined
    },
  })
}

// ---- screening ----

function policyPath(slug: string) {
  return `/api/orgs/${encodeURIComponent(slug)}/screening-policy`
}

/** The organisation's screening policy (without the retracted DOIs, which only the server applies). */
export function useScreeningPolicy(slug: string) {
  return useQuery({
    queryKey: queryKeys.screeningPolicy(slug),
    queryFn: () => api<ScreeningPolicyState>('GET', policyPath(slug)),
    staleTime: 30_000,
  })
}

/** Every rule the engine has, with its default severity and citation. */
export function useScreeningRules() {
  return useQuery({
    queryKey: queryKeys.screeningRules,
    queryFn: () => api<ScreeningRules>('GET', '/api/screening/rules'),
    staleTime: 5 * 60_000,
  })
}

export function useSaveScreeningPolicy(slug: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: { policy: ScreeningPolicyInput; note: string }) =>
      api<ScreeningPolicyState>('PUT', policyPath(slug), input),
    onSuccess: (state) => {
      queryClient.setQueryData(queryKeys.screeningPolicy(slug), state)
      void queryClient.invalidateQueries({ queryKey: queryKeys.audit(slug) })
    },
  })
}

/** The gate: the server screens the draft under the organisation's current policy. */
export function useServerScreen() {
  return useMutation({
    mutationFn: (request: { organisation: string; input: ScreenInput }) =>
      api<ScreeningReport>('POST', '/api/screen', request),
  })
}
