import { Anchor, Badge, Button, Card, Divider, Group, Stack, Text, Title } from '@mantine/core'
import { useEffect } from 'react'
import { Link, useParams } from 'react-router'
import { isApiError } from '../api/client.ts'
import { useLesson, useLessons } from '../api/standards.ts'
import { formatDate } from '../lib/format.ts'
import { topicLabels } from '../lib/labels.ts'
import { useCurrentOrganisation } from '../org/OrganisationContext.tsx'
import { ErrorState, PageLoader, PageTitle } from '../shell/Page.tsx'
import { Markdown } from '../standards/Markdown.tsx'
import { SourceList } from './parts.tsx'
import { useLessonProgress } from './progress.ts'

export function LessonPage() {
  const { lessonId = '' } = useParams()
  const { me, organisation } = useCurrentOrganisation()
  const lesson = useLesson(organisation.slug, lessonId)
  const lessons = useLessons(organisation.slug)
  const { markRead } = useLessonProgress(me.user.id, organisation.slug)
  const data = lesson.data

  useEffect(() => {
    if (data && data.status === 'published') markRead(data.id, data.version)
  }, [data, markRead])

  if (lesson.isPending) return <PageLoader label="Loading the lesson" />
  if (lesson.isError) {
    const missing = isApiError(lesson.error) && lesson.error.status === 404
    return (
      <>
        <PageTitle>{missing ? 'Lesson not found' : 'Lesson'}</PageTitle>
        <Stack gap="sm" align="flex-start">
          {missing ? (
            <Text c="dimmed">This lesson does not exist or has been withdrawn.</Text>
          ) : (
            <ErrorState error={lesson.error} onRetry={() => lesson.refetch()} />
          )}
          <Button component={Link} to="/training" variant="default">
            Back to training
          </Button>
        </Stack>
      </>
    )
  }

  const l = lesson.data
  const published = lessons.data?.filter((item) => item.status === 'published') ?? []
  const index = published.findIndex((item) => item.id === l.id)
  const previous = index > 0 ? published[index - 1] : undefined
  const next = index >= 0 ? published[index + 1] : undefined

  return (
    <>
      <Anchor component={Link} to="/training" size="sm" mb="xs" display="inline-block">
        ← All lessons
      </Anchor>
      <PageTitle description={l.summary || undefined}>{l.title}</PageTitle>
      <Group gap="xs" mb="md">
        <Badge variant="light">{topicLabels[l.topic]}</Badge>
        {l.builtIn ? null : (
          <Badge variant="light" color="grape">
            Your organisation
          </Badge>
        )}
        {l.status !== 'published' ? (
          <Badge variant="light" color="orange">
            {l.status === 'draft' ? 'Draft: not shown to learners' : 'Withdrawn'}
          </Badge>
        ) : null}
        <Text size="xs" c="dimmed">
          Version {l.version} · updated {formatDate(l.updatedAt)}
        </Text>
      </Group>
      <Card withBorder padding="xl" radius="md" maw={820} component="article" aria-label={l.title}>
        <Markdown>{l.bodyMd}</Markdown>
        <Divider my="lg" />
        <section aria-labelledby="sources-heading">
          <Title order={2} size="h4" id="sources-heading" mb="xs">
            Sources
          </Title>
          <Text size="sm" c="dimmed" mb="xs">
            This lesson is written in our own words; the guidance itself is at these links.
          </Text>
          <SourceList sources={l.sources} />
        </section>
      </Card>
      <Group justify="space-between" maw={820} mt="lg">
        {previous ? (
          <Button
            component={Link}
            to={`/training/lessons/${encodeURIComponent(previous.id)}`}
            variant="default"
          >
            Previous: {previous.title}
          </Button>
        ) : (
          <span />
        )}
        {next ? (
          <Button component={Link} to={`/training/lessons/${encodeURIComponent(next.id)}`} variant="light">
            Next: {next.title}
          </Button>
        ) : (
          <Button component={Link} to="/training" variant="light">
            Back to training and the assessment
          </Button>
        )}
      </Group>
    </>
  )
}
