import { Anchor, Badge, Button, Card, Grid, Group, Progress, Stack, Table, Text, Title } from '@mantine/core'
import { Link } from 'react-router'
import { certificateLinks, useLessons, useMyCertificates, useTrainingStatus } from '../api/standards.ts'
import type { LessonSummary } from '../api/types.ts'
import { formatDate } from '../lib/format.ts'
import { topicLabels } from '../lib/labels.ts'
import { useCurrentOrganisation } from '../org/OrganisationContext.tsx'
import { ErrorState, PageLoader, PageTitle } from '../shell/Page.tsx'
import { ReadinessBanner } from '../standards/Readiness.tsx'
import { CertificateCard, CertificateStatusBadge, StartAssessmentButton } from './parts.tsx'
import { useLessonProgress } from './progress.ts'

function LessonList({ lessons }: { lessons: LessonSummary[] }) {
  const { me, organisation } = useCurrentOrganisation()
  const { stateOf } = useLessonProgress(me.user.id, organisation.slug)
  const read = lessons.filter((lesson) => stateOf(lesson.id, lesson.version) === 'read').length
  const percent = lessons.length ? Math.round((read / lessons.length) * 100) : 0
  return (
    <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="lessons-heading">
      <Title order={2} size="h4" id="lessons-heading" mb="xs">
        Lessons
      </Title>
      {lessons.length === 0 ? (
        <Text size="sm" c="dimmed">
          There are no lessons yet.
        </Text>
      ) : (
        <Stack gap="md">
          <Stack gap={4}>
            <Text size="sm" id="lesson-progress-label">
              {read} of {lessons.length} lessons read
            </Text>
            <Progress value={percent} aria-labelledby="lesson-progress-label" size="sm" />
            <Text size="xs" c="dimmed">
              Reading progress is kept in this browser. The assessment is what counts for your certificate.
            </Text>
          </Stack>
          <Stack gap="sm" component="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
            {lessons.map((lesson, index) => {
              const state = stateOf(lesson.id, lesson.version)
              return (
                <li key={lesson.id}>
                  <Group justify="space-between" align="flex-start" wrap="nowrap" gap="sm">
                    <div>
                      <Anchor
                        component={Link}
                        to={`/training/lessons/${encodeURIComponent(lesson.id)}`}
                        fw={600}
                      >
                        {index + 1}. {lesson.title}
                      </Anchor>
                      <Text size="xs" c="dimmed">
                        {topicLabels[lesson.topic]}
                        {lesson.builtIn ? '' : ' · your organisation'}
                      </Text>
                      {lesson.summary ? (
                        <Text size="sm" c="dimmed" mt={2}>
                          {lesson.summary}
                        </Text>
                      ) : null}
                    </div>
                    {state === 'read' ? (
                      <Badge color="teal" variant="light" style={{ flexShrink: 0 }}>
                        Read
                      </Badge>
                    ) : state === 'updated' ? (
                      <Badge color="blue" variant="light" style={{ flexShrink: 0 }}>
                        Updated
                      </Badge>
                    ) : (
                      <Badge color="gray" variant="light" style={{ flexShrink: 0 }}>
                        Not read
                      </Badge>
                    )}
                  </Group>
                </li>
              )
            })}
          </Stack>
        </Stack>
      )}
    </Card>
  )
}

function AssessmentCard() {
  const { organisation } = useCurrentOrganisation()
  const status = useTrainingStatus(organisation.slug)
  if (status.isPending) return <PageLoader label="Loading your training status" />
  if (status.isError) return <ErrorState error={status.error} onRetry={() => status.refetch()} />
  const s = status.data
  return (
    <Stack gap="lg">
      {s.certificate ? (
        <CertificateCard certificate={s.certificate} />
      ) : (
        <Card
          withBorder
          padding="lg"
          radius="md"
          component="section"
          aria-labelledby="no-certificate-heading"
        >
          <Title order={2} size="h4" id="no-certificate-heading" mb="xs">
            Your certificate
          </Title>
          <Text size="sm" c="dimmed">
            You do not hold a valid certificate in {organisation.name} yet. Pass the assessment to get one.
          </Text>
        </Card>
      )}
      <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="assessment-heading">
        <Title order={2} size="h4" id="assessment-heading" mb="xs">
          Assessment
        </Title>
        <Stack gap="sm" align="flex-start">
          <Text size="sm">
            {s.questionsPerAttempt} case-based questions drawn from a bank of {s.questionsInBank}, on one
            page. Pass with {s.passMarkPercent}% to get a certificate valid for {s.validityMonths} months. You
            get feedback on every answer, and you can try again as often as you need.
          </Text>
          {s.questionsInBank === 0 ? (
            <Text size="sm" c="dimmed">
              The question bank is empty, so the assessment cannot start yet.
            </Text>
          ) : (
            <StartAssessmentButton
              label={s.certificate ? 'Take the assessment again' : 'Take the assessment'}
            />
          )}
        </Stack>
      </Card>
    </Stack>
  )
}

function MyCertificates() {
  const certificates = useMyCertificates()
  return (
    <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="my-certificates-heading">
      <Title order={2} size="h4" id="my-certificates-heading" mb="xs">
        My certificates
      </Title>
      {certificates.isPending ? (
        <PageLoader label="Loading certificates" />
      ) : certificates.isError ? (
        <ErrorState error={certificates.error} onRetry={() => certificates.refetch()} />
      ) : certificates.data.length === 0 ? (
        <Text size="sm" c="dimmed">
          You have no certificates yet, in any organisation.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing="xs" aria-labelledby="my-certificates-heading">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Organisation</Table.Th>
                <Table.Th>Issued</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Documents</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {certificates.data.map((certificate) => {
                const links = certificateLinks(certificate.organisation.slug, certificate.id)
                return (
                  <Table.Tr key={certificate.id}>
                    <Table.Td>{certificate.organisation.name}</Table.Td>
                    <Table.Td className="table-nowrap">{formatDate(certificate.issuedAt)}</Table.Td>
                    <Table.Td className="table-nowrap">{formatDate(certificate.expiresAt)}</Table.Td>
                    <Table.Td>
                      <CertificateStatusBadge status={certificate.status} />
                    </Table.Td>
                    <Table.Td>
                      <Group gap="sm" wrap="nowrap">
                        <Anchor href={links.pdf} download size="sm">
                          PDF
                        </Anchor>
                        <Anchor href={links.html} target="_blank" rel="noopener" size="sm">
                          Printable page
                        </Anchor>
                        <Anchor href={links.credential} download size="sm">
                          Open Badges
                        </Anchor>
                        <Anchor href={certificate.verificationUrl} size="sm">
                          Public page
                        </Anchor>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                )
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Card>
  )
}

export function TrainingPage() {
  const { organisation, can } = useCurrentOrganisation()
  const lessons = useLessons(organisation.slug)
  // Admins also receive drafts and withdrawn lessons; learners study what is published.
  const published = lessons.data?.filter((lesson) => lesson.status === 'published') ?? []
  return (
    <>
      <PageTitle
        description="Short lessons on posting clinical teaching safely, then a case-based assessment. Every lesson cites the guidance it draws on."
        actions={
          can('organisation.manage') ? (
            <Button component={Link} to="/settings/training" variant="default">
              Manage training
            </Button>
          ) : undefined
        }
      >
        Training
      </PageTitle>
      <ReadinessBanner hide="TRAINING_REQUIRED" />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          {lessons.isPending ? (
            <PageLoader label="Loading lessons" />
          ) : lessons.isError ? (
            <ErrorState error={lessons.error} onRetry={() => lessons.refetch()} />
          ) : (
            <LessonList lessons={published} />
          )}
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <AssessmentCard />
        </Grid.Col>
        <Grid.Col span={12}>
          <MyCertificates />
        </Grid.Col>
      </Grid>
    </>
  )
}
