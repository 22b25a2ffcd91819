import { Card, Stack, Text, Title } from '@mantine/core'
import { useCurrentOrganisation } from '../org/OrganisationContext.tsx'
import { useUploads } from './api.ts'
import { UploadCard } from './MediaPanel.tsx'

/**
 * The media of an item under review, read-only: what screening found in each file, drawn on
 * the image or on the video's frame strip. Reviewers assigned to the item may see it.
 */
export function ReviewMedia({ itemId }: { itemId: string }) {
  const { organisation } = useCurrentOrganisation()
  const uploads = useUploads(organisation.slug, itemId)
  const list = uploads.data?.uploads ?? []
  return (
    <Card withBorder radius="md" padding="md" component="section" aria-labelledby="review-media-heading">
      <Title order={2} size="h5" id="review-media-heading" mb="sm">
        Media
      </Title>
      <Stack gap="sm">
        {uploads.isError ? (
          <Text size="sm" c="red">
            The item’s media could not be loaded.
          </Text>
        ) : list.length === 0 ? (
          <Text size="sm" c="dimmed">
            No files.
          </Text>
        ) : (
          list.map((u) => <UploadCard key={u.id} slug={organisation.slug} itemId={itemId} upload={u} />)
        )}
      </Stack>
    </Card>
  )
}
