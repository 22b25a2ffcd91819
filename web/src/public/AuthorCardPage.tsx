import { Alert, Stack, Text, Title } from '@mantine/core'
import { useParams, useSearchParams } from 'react-router'
import { isApiError } from '../api/client.ts'
import { useAuthorCard } from '../api/standards.ts'
import { ErrorState, PageLoader } from '../shell/Page.tsx'
import { AuthorCardView } from '../standards/AuthorCardView.tsx'
import { PublicLayout } from './PublicLayout.tsx'

/** /authors/:userId?org=slug — the author card anyone may read, no sign-in. */
export function AuthorCardPage() {
  const { userId = '' } = useParams()
  const [params] = useSearchParams()
  const slug = params.get('org') ?? ''
  const card = useAuthorCard(userId, slug, Boolean(slug))

  if (!slug) {
    return (
      <PublicLayout title="Author">
        <Stack gap="sm">
          <Title order={1} size="h2">
            Author
          </Title>
          <Alert color="yellow" variant="light" role="status">
            This link is incomplete: it does not say which organisation the author publishes with.
          </Alert>
        </Stack>
      </PublicLayout>
    )
  }
  if (card.isPending) {
    return (
      <PublicLayout title="Author">
        <PageLoader label="Loading the author card" />
      </PublicLayout>
    )
  }
  if (card.isError) {
    const missing = isApiError(card.error) && (card.error.status === 404 || card.error.status === 400)
    return (
      <PublicLayout title="Author not found">
        <Stack gap="sm">
          <Title order={1} size="h2">
            {missing ? 'Author not found' : 'Author'}
          </Title>
          {missing ? (
            <Text c="dimmed">
              There is no author at this address. The link may be mistyped or out of date.
            </Text>
          ) : (
            <ErrorState error={card.error} onRetry={() => card.refetch()} />
          )}
        </Stack>
      </PublicLayout>
    )
  }
  return (
    <PublicLayout title={card.data.name}>
      <Stack gap="md">
        <Text size="xs" fw={700} tt="uppercase" c="dimmed">
          Author card
        </Text>
        <AuthorCardView card={card.data} headingLevel={1} />
      </Stack>
    </PublicLayout>
  )
}
