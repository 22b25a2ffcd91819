import { Alert, Button, Card, Code, Stack, Text, Textarea, Title } from '@mantine/core'
import { useId, useState } from 'react'
import { errorMessage, isApiError } from '../api/client.ts'
import type { Item } from '../api/content.ts'
import { useCorrections, usePostCorrection } from '../api/history.ts'
import { formatDateTime } from '../lib/format.ts'
import { useCurrentOrganisation } from '../org/OrganisationContext.tsx'

const correctable: readonly Item['state'][] = ['published', 'corrected']

/**
 * Correction notices on a published item: editors post them (the item becomes "corrected"
 * and publishing shows the notice with the item); the author reads them.
 */
export function CorrectionsPanel({ item }: { item: Item }) {
  const { organisation, can } = useCurrentOrganisation()
  const editor = can('review.manage')
  const visible = correctable.includes(item.state)
  const corrections = useCorrections(organisation.slug, item.id, visible)
  const post = usePostCorrection(organisation.slug, item.id)
  const [notice, setNotice] = useState('')
  const headingId = useId()
  if (!visible) return null
  const list = corrections.data?.corrections ?? []
  if (!editor && list.length === 0) return null
  const fieldError = isApiError(post.error) ? post.error.fieldErrors.notice : undefined
  const onPost = () =>
    post.mutate(notice, {
      onSuccess: () => setNotice(''),
    })
  return (
    <Card withBorder radius="md" padding="md" component="section" aria-labelledby={headingId}>
      <Title order={2} size="h5" id={headingId} mb="sm">
        Corrections
      </Title>
      <Stack gap="sm">
        {corrections.isError ? (
          <Text size="sm" c="red" role="alert">
            {errorMessage(corrections.error)}
          </Text>
        ) : list.length === 0 ? (
          <Text size="sm" c="dimmed">
            No corrections posted.
          </Text>
        ) : (
          <Stack gap="xs" component="ol" m={0} pl="md" aria-label="Correction notices">
            {list.map((c) => (
              <li key={c.id}>
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                  {c.notice}
                </Text>
                <Text size="xs" c="dimmed">
                  {formatDateTime(c.postedAt)} · version {c.version} (
                  <Code>{c.contentHash.slice(0, 12)}</Code>)
                </Text>
              </li>
            ))}
          </Stack>
        )}
        {editor ? (
          <>
            <Textarea
              label="New correction notice"
              description="Published with the item and posted to its channels. Say what was wrong and what is right."
              value={notice}
              onChange={(e) => setNotice(e.currentTarget.value)}
              autosize
              minRows={3}
              maxLength={2000}
              error={fieldError}
            />
            {post.isError && !fieldError ? (
              <Alert color="red" variant="light" role="alert">
                {errorMessage(post.error)}
              </Alert>
            ) : null}
            <Button onClick={onPost} loading={post.isPending} disabled={notice.trim().length === 0}>
              Post correction
            </Button>
          </>
        ) : null}
      </Stack>
    </Card>
  )
}
