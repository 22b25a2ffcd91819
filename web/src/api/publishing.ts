import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type {
  ChannelAccount as SchemaChannelAccount,
  ChannelConnect as SchemaChannelConnect,
  ChannelOption as SchemaChannelOption,
  ChannelPreview as SchemaChannelPreview,
  PreviewSet as SchemaPreviewSet,
  Publication as SchemaPublication,
  PublishRequest as SchemaPublishRequest,
} from '../../../src/capabilities/publishing/publishing.schema.ts'
import { api } from './client.ts'
import { contentKeys } from './content.ts'

/** Publishing: the organisation's channels, per-channel previews, publications and withdrawal. */

export type ChannelAccount = SchemaChannelAccount
export type ChannelConnect = SchemaChannelConnect
export type ChannelOption = SchemaChannelOption
export type ChannelPreview = SchemaChannelPreview
export type PreviewSet = SchemaPreviewSet
export type Publication = SchemaPublication
export type PublishRequest = SchemaPublishRequest
export type ChannelId = ChannelOption['channel']

const org = (slug: string) => `/api/orgs/${encodeURIComponent(slug)}`
const item = (slug: string, itemId: string) => `${org(slug)}/items/${encodeURIComponent(itemId)}`

export const publishingKeys = {
  channels: (slug: string) => ['orgs', slug, 'channels'] as const,
  preview: (slug: string, itemId: string) =>
    ['orgs', slug, 'items', itemId, 'publishing', 'preview'] as const,
  publications: (slug: string, itemId: string) => ['orgs', slug, 'items', itemId, 'publications'] as const,
}

export function useChannels(slug: string, enabled = true) {
  return useQuery({
    queryKey: publishingKeys.channels(slug),
    queryFn: () => api<{ channels: ChannelOption[] }>('GET', `${org(slug)}/channels`),
    enabled,
  })
}

export function useConnectChannel(slug: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ channel, body }: { channel: ChannelId; body: ChannelConnect }) =>
      api<ChannelAccount>('POST', `${org(slug)}/channels/${channel}/connect`, body),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: publishingKeys.channels(slug) }),
  })
}

export function useDisconnectChannel(slug: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (channel: ChannelId) => api<ChannelAccount>('DELETE', `${org(slug)}/channels/${channel}`),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: publishingKeys.channels(slug) }),
  })
}

/** The address the platform sends the editor back to after consenting. */
export const oauthRedirectUri = (channel: ChannelId) =>
  `${window.location.origin}/publishing/callback/${channel}`

export function useStartOAuth(slug: string) {
  return useMutation({
    mutationFn: (channel: ChannelId) =>
      api<{ authorizeUrl: string; state: string }>('POST', `${org(slug)}/channels/${channel}/oauth/start`, {
        redirectUri: oauthRedirectUri(channel),
      }),
  })
}

export function useCompleteOAuth(slug: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ channel, state, code }: { channel: ChannelId; state: string; code: string }) =>
      api<ChannelAccount>('POST', `${org(slug)}/channels/${channel}/oauth/callback`, { state, code }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: publishingKeys.channels(slug) }),
  })
}

export function usePreview(slug: string, itemId: string, enabled: boolean) {
  return useQuery({
    queryKey: publishingKeys.preview(slug, itemId),
    queryFn: () => api<PreviewSet>('GET', `${item(slug, itemId)}/publishing/preview`),
    enabled,
    retry: false,
  })
}

const active = (list: Publication[] | undefined) =>
  (list ?? []).some((p) => ['scheduled', 'publishing', 'withdrawing'].includes(p.status))

export function usePublications(slug: string, itemId: string, enabled: boolean) {
  return useQuery({
    queryKey: publishingKeys.publications(slug, itemId),
    queryFn: () => api<{ publications: Publication[] }>('GET', `${item(slug, itemId)}/publications`),
    enabled,
    // While anything is on its way, watch it arrive.
    refetchInterval: (q) => (active(q.state.data?.publications) ? 2000 : false),
  })
}

function useItemMutation<A, R>(slug: string, itemId: string, fn: (args: A) => Promise<R>) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: fn,
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: publishingKeys.publications(slug, itemId) })
      void queryClient.invalidateQueries({ queryKey: publishingKeys.preview(slug, itemId) })
      void queryClient.invalidateQueries({ queryKey: contentKeys.item(slug, itemId) })
      void queryClient.invalidateQueries({ queryKey: contentKeys.items(slug), exact: false })
    },
  })
}

export const usePublish = (slug: string, itemId: string) =>
  useItemMutation(slug, itemId, (body: PublishRequest) =>
    api<{ publications: Publication[] }>('POST', `${item(slug, itemId)}/publications`, body),
  )

export const useRetryPublication = (slug: string, itemId: string) =>
  useItemMutation(slug, itemId, (publicationId: string) =>
    api<Publication>('POST', `${item(slug, itemId)}/publications/${publicationId}/retry`),
  )

export const useCancelPublication = (slug: string, itemId: string) =>
  useItemMutation(slug, itemId, (publicationId: string) =>
    api<Publication>('POST', `${item(slug, itemId)}/publications/${publicationId}/cancel`),
  )

/** Moves a publication to another time; a post the platform already holds is moved there too. */
export const useReschedulePublication = (slug: string, itemId: string) =>
  useItemMutation(slug, itemId, (args: { publicationId: string; scheduledAt: string }) =>
    api<Publication>('POST', `${item(slug, itemId)}/publications/${args.publicationId}/reschedule`, {
      scheduledAt: args.scheduledAt,
    }),
  )

export const useWithdrawEverywhere = (slug: string, itemId: string) =>
  useItemMutation(slug, itemId, (reason: string) =>
    api<{ publications: Publication[] }>('POST', `${item(slug, itemId)}/publishing/withdraw`, { reason }),
  )

export const usePostCorrectionsToChannels = (slug: string, itemId: string) =>
  useItemMutation(slug, itemId, () =>
    api<{ publications: Publication[] }>('POST', `${item(slug, itemId)}/publishing/corrections`),
  )

export const publicationStatusLabels: Record<Publication['status'], { label: string; color: string }> = {
  scheduled: { label: 'Scheduled', color: 'blue' },
  publishing: { label: 'Sending', color: 'cyan' },
  published: { label: 'Published', color: 'green' },
  failed: { label: 'Failed', color: 'red' },
  cancelled: { label: 'Cancelled', color: 'gray' },
  withdrawing: { label: 'Removing', color: 'orange' },
  withdrawn: { label: 'Withdrawn', color: 'gray' },
  withdraw_failed: { label: 'Removal failed', color: 'red' },
}
