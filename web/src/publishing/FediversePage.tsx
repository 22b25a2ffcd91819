import { Alert, Badge, Button, Card, Group, Stack, Text, TextInput, Title } from '@mantine/core'
import { useState } from 'react'
import { errorMessage } from '../api/client.ts'
import {
  type ReceivedPost,
  useFederationInbox,
  useFederationSummary,
  useFollowAccount,
  useReactToPost,
} from '../api/federation.ts'
import { formatDateTime } from '../lib/format.ts'
import { useCurrentOrganisation } from '../org/OrganisationContext.tsx'
import { ErrorState, PageLoader, PageTitle } from '../shell/Page.tsx'

/** Remote posts arrive as HTML written elsewhere: shown as plain text, never as markup. */
function plainText(html: string): string {
  const doc = new DOMParser().parseFromString(html, 'text/html')
  return (doc.body.textContent ?? '').trim()
}

/** Admins and editors: the organisation's fediverse account, whom it follows, and what arrives. */
export function FediversePage() {
  const { organisation, can } = useCurrentOrganisation()
  const allowed = can('members.read')
  const summary = useFederationSummary(organisation.slug, allowed)
  const inbox = useFederationInbox(organisation.slug, allowed)
  if (!allowed)
    return (
      <>
        <PageTitle>Fediverse</PageTitle>
        <Alert color="blue" variant="light">
          Editors and admins manage the organisation’s fediverse account.
        </Alert>
      </>
    )
  if (summary.isPending) return <PageLoader />
  if (summary.isError) return <ErrorState error={summary.error} />
  const s = summary.data
  return (
    <>
      <PageTitle description="Anyone on Mastodon or another fediverse server can follow the organisation; approved items published to the Fediverse channel reach its followers.">
        Fediverse
      </PageTitle>
      <Stack gap="lg">
        <Card withBorder>
          <Stack gap={4}>
            <Text>
              Handle: <strong>{s.handle}</strong>
            </Text>
            <Text size="sm" c="dimmed">
              {s.followers === 1 ? '1 follower' : `${s.followers} followers`} ·{' '}
              <a href={s.actorUrl}>public page</a>
            </Text>
          </Stack>
        </Card>
        <section aria-labelledby="following-title">
          <Title order={2} size="h4" id="following-title" mb="xs">
            Following
          </Title>
          {can('organisation.manage') ? <FollowForm slug={organisation.slug} /> : null}
          {s.following.length === 0 ? (
            <Text size="sm" c="dimmed">
              The organisation follows no one yet.
            </Text>
          ) : (
            <Stack gap={4} mt="sm">
              {s.following.map((f) => (
                <Group key={f.id} gap="xs">
                  <Text size="sm">{f.handle}</Text>
                  <Badge color={f.acceptedAt ? 'green' : 'gray'} variant="light">
                    {f.acceptedAt ? 'Following' : 'Requested'}
                  </Badge>
                </Group>
              ))}
            </Stack>
          )}
        </section>
        <section aria-labelledby="inbox-title">
          <Title order={2} size="h4" id="inbox-title" mb="xs">
            Received posts
          </Title>
          {inbox.isPending ? (
            <PageLoader />
          ) : inbox.isError ? (
            <ErrorState error={inbox.error} />
          ) : inbox.data.posts.length === 0 ? (
            <Text size="sm" c="dimmed">
              Posts from the accounts the organisation follows appear here.
            </Text>
          ) : (
            <Stack gap="sm">
              {inbox.data.posts.map((p) => (
                <ReceivedCard key={p.id} post={p} canReact={can('publishing.manage')} />
              ))}
            </Stack>
          )}
        </section>
      </Stack>
    </>
  )
}

function FollowForm({ slug }: { slug: string }) {
  const [account, setAccount] = useState('')
  const follow = useFollowAccount(slug)
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault()
        follow.mutate(account, { onSuccess: () => setAccount('') })
      }}
    >
      <Group align="flex-end" gap="xs">
        <TextInput
          label="Follow an account"
          placeholder="@name@server.example"
          value={account}
          onChange={(e) => setAccount(e.currentTarget.value)}
          error={follow.isError ? errorMessage(follow.error) : undefined}
          required
          w={360}
        />
        <Button type="submit" loading={follow.isPending}>
          Follow
        </Button>
      </Group>
    </form>
  )
}

function ReceivedCard({ post, canReact }: { post: ReceivedPost; canReact: boolean }) {
  const { organisation } = useCurrentOrganisation()
  const react = useReactToPost(organisation.slug)
  return (
    <Card withBorder>
      <Stack gap="xs">
        <Text size="sm" c="dimmed">
          {post.actorUri} · {formatDateTime(post.publishedAt ?? post.receivedAt)}
        </Text>
        <Text style={{ whiteSpace: 'pre-wrap' }}>{plainText(post.content)}</Text>
        <Group gap="xs">
          {post.url ? (
            <Text size="sm" component="a" href={post.url} rel="noopener noreferrer" target="_blank">
              Open
            </Text>
          ) : null}
          {canReact ? (
            <>
              <Button
                size="xs"
                variant={post.liked ? 'filled' : 'light'}
                disabled={post.liked}
                loading={react.isPending && react.variables?.kind === 'like'}
                onClick={() => react.mutate({ id: post.id, kind: 'like' })}
              >
                {post.liked ? 'Liked' : 'Like'}
              </Button>
              <Button
                size="xs"
                variant={post.announced ? 'filled' : 'light'}
                disabled={post.announced}
                loading={react.isPending && react.variables?.kind === 'announce'}
                onClick={() => react.mutate({ id: post.id, kind: 'announce' })}
              >
                {post.announced ? 'Boosted' : 'Boost'}
              </Button>
            </>
          ) : null}
          {react.isError ? (
            <Text size="sm" c="red">
              {errorMessage(react.error)}
            </Text>
          ) : null}
        </Group>
      </Stack>
    </Card>
  )
}
