import {
  Alert,
  Anchor,
  Button,
  Card,
  Checkbox,
  Code,
  Grid,
  Group,
  Radio,
  Stack,
  Table,
  Text,
  Textarea,
  Title,
} from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useRef, useState } from 'react'
import { Link, useNavigate, useParams } from 'react-router'
import type { Quiz } from '../../../src/capabilities/learning/quizzes/quiz.schema.ts'
import { errorMessage } from '../api/client.ts'
import {
  type MyAssignment,
  type Recommendation,
  type ReviewDraft,
  type ReviewVersion,
  recommendationLabels,
  rmetriqItems,
  type SpanComment,
  useDeclineReview,
  useMyAssignments,
  useReviewDiff,
  useReviewVersion,
  useSaveReview,
  useSubmitReview,
} from '../api/review.ts'
import { QuizReview } from '../content/QuizReview.tsx'
import { Timeline } from '../content/Timeline.tsx'
import { VersionDiffView } from '../content/VersionDiff.tsx'
import { formatDate } from '../lib/format.ts'
import { ReviewMedia } from '../media/ReviewMedia.tsx'
import { useCurrentOrganisation } from '../org/OrganisationContext.tsx'
import { DraftEditor, type DraftEditorHandle } from '../screening/DraftEditor.tsx'
import { excerpt } from '../screening/findings.ts'
import { ErrorState, PageLoader, PageTitle } from '../shell/Page.tsx'

/** The reviewer's list: assignments in this organisation, open ones first, soonest due first. */
export function ReviewsPage() {
  const { organisation } = useCurrentOrganisation()
  const mine = useMyAssignments(organisation.slug)
  const statusLabel = (a: MyAssignment) =>
    a.status === 'declined'
      ? 'Declined'
      : a.status === 'submitted'
        ? 'Submitted'
        : a.decided
          ? 'Closed'
          : 'To do'
  return (
    <>
      <PageTitle description="Items assigned to you for peer review, open ones first.">Reviews</PageTitle>
      {mine.isPending ? (
        <PageLoader />
      ) : mine.isError ? (
        <ErrorState error={mine.error} />
      ) : mine.data.assignments.length === 0 ? (
        <Card withBorder radius="md" padding="md">
          <Text c="dimmed">Nothing is assigned to you for review in {organisation.name}.</Text>
        </Card>
      ) : (
        <Card withBorder radius="md" padding={0}>
          <Table verticalSpacing="sm" aria-label="Your review assignments">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Item</Table.Th>
                <Table.Th>Version</Table.Th>
                <Table.Th>Due</Table.Th>
                <Table.Th>Status</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {mine.data.assignments.map((a) => (
                <Table.Tr key={a.assignmentId}>
                  <Table.Td>
                    <Anchor component={Link} to={`/reviews/${encodeURIComponent(a.itemId)}`}>
                      {a.title || '(untitled)'}
                    </Anchor>
                    <Text size="xs" c="dimmed">
                      {a.kind}
                    </Text>
                  </Table.Td>
                  <Table.Td>v{a.versionNumber}</Table.Td>
                  <Table.Td>
                    <Text size="sm" c={a.overdue ? 'red.8' : undefined} fw={a.overdue ? 600 : undefined}>
                      {formatDate(a.dueAt)}
                      {a.overdue ? ' (overdue)' : ''}
                    </Text>
                  </Table.Td>
                  <Table.Td>{statusLabel(a)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      )}
    </>
  )
}

export function ReviewPage() {
  const { itemId = '' } = useParams()
  const { organisation } = useCurrentOrganisation()
  const version = useReviewVersion(organisation.slug, itemId)
  if (version.isPending) return <PageLoader label="Loading the review" />
  if (version.isError) {
    return (
      <ErrorState
        error={version.error}
        title="Could not open this review"
        onRetry={() => version.refetch()}
      />
    )
  }
  return (
    <Stack gap="lg">
      <ReviewForm key={version.data.assignment.assignmentId} version={version.data} />
      <ReviewMedia itemId={itemId} />
      <Timeline itemId={itemId} />
    </Stack>
  )
}

const scoreOptions = [1, 2, 3, 4, 5, 6, 7]

/** After a resubmission: the reviewer's own earlier review and what the author changed since. */
function SinceLastReview({ version }: { version: ReviewVersion }) {
  const { organisation } = useCurrentOrganisation()
  const previous = version.previous
  const diff = useReviewDiff(organisation.slug, version.itemId, previous?.version ?? null)
  if (!previous) return null
  return (
    <Card withBorder padding="sm" component="section" aria-labelledby="since-heading">
      <Title order={2} size="h5" id="since-heading" mb="xs">
        Changes since you reviewed version {previous.version}
      </Title>
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          You recommended{' '}
          {previous.recommendation ? recommendationLabels[previous.recommendation].toLowerCase() : '—'}
          {previous.comments.length > 0 ? ' and commented:' : '.'}
        </Text>
        {previous.comments.map((c) => (
          <Text size="sm" key={`${c.field}-${c.start}-${c.end}-${c.comment}`}>
            <Text span fs="italic">
              “{excerpt(c.quote, 80)}”
            </Text>{' '}
            — {c.comment}
          </Text>
        ))}
        {diff.isPending ? (
          <Text size="sm" c="dimmed">
            Loading the changes…
          </Text>
        ) : diff.isError ? (
          <Text size="sm" c="red" role="alert">
            {errorMessage(diff.error)}
          </Text>
        ) : (
          <VersionDiffView diff={diff.data} />
        )}
      </Stack>
    </Card>
  )
}

function ReviewForm({ version }: { version: ReviewVersion }) {
  const { organisation } = useCurrentOrganisation()
  const a = version.assignment
  const save = useSaveReview(organisation.slug, version.itemId, a.assignmentId)
  const submit = useSubmitReview(organisation.slug, version.itemId, a.assignmentId)
  const decline = useDeclineReview(organisation.slug, version.itemId, a.assignmentId)
  const navigate = useNavigate()
  const editor = useRef<DraftEditorHandle>(null)
  const closed = a.status !== 'assigned'
  const [draft, setDraft] = useState<ReviewDraft>({
    noConflict: a.noConflict,
    rmetriq: a.rmetriq,
    ...(a.accuracy ? { accuracy: a.accuracy } : {}),
    ...(a.utility ? { utility: a.utility } : {}),
    comments: a.comments,
    ...(a.recommendation ? { recommendation: a.recommendation } : {}),
  })
  const [selection, setSelection] = useState<{ start: number; end: number; text: string } | null>(null)
  const [comment, setComment] = useState('')
  const [declining, setDeclining] = useState(false)
  const [reason, setReason] = useState('')
  const fields = version.fields as { title?: string; body?: string }
  const comments = draft.comments ?? []
  const change = (patch: Partial<ReviewDraft>) => setDraft((d) => ({ ...d, ...patch }))

  const addComment = () => {
    if (!selection || !comment.trim()) return
    // The span without the whitespace a line selection picks up at either end.
    const lead = selection.text.length - selection.text.trimStart().length
    const quote = selection.text.trim()
    const c: SpanComment = {
      field: 'body',
      start: selection.start + lead,
      end: selection.start + lead + quote.length,
      quote: quote || selection.text,
      comment: comment.trim(),
    }
    change({ comments: [...comments, c] })
    setComment('')
    setSelection(null)
  }
  const onSubmit = () => save.mutate(draft, { onSuccess: () => submit.mutate() })

  return (
    <>
      <PageTitle
        description={`Version ${version.version} by ${version.author.name}. Due ${formatDate(a.dueAt)}.`}
        actions={
          <Anchor component={Link} to="/reviews">
            Back to reviews
          </Anchor>
        }
      >
        {`Review: ${fields.title?.trim() || 'Untitled'}`}
      </PageTitle>
      {closed ? (
        <Alert color={a.status === 'submitted' ? 'teal' : 'gray'} mb="md" role="status" title="Review closed">
          {a.status === 'submitted' ? 'You submitted this review.' : `You declined: ${a.declineReason ?? ''}`}
        </Alert>
      ) : null}
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="md">
            <Text size="xs" c="dimmed">
              Content hash <Code>{version.contentHash}</Code>
            </Text>
            {version.previous ? <SinceLastReview version={version} /> : null}
            <DraftEditor
              label="Body under review"
              initialText={fields.body ?? ''}
              readOnly
              ref={editor}
              onChange={() => {}}
            />
            <QuizReview quiz={(version.fields as { quiz?: Quiz | null }).quiz} />
            {version.overrides.length > 0 ? (
              <Alert color="yellow" title="Screening findings an editor overrode" data-testid="overrides">
                <Stack gap={4}>
                  {version.overrides.map((o) => (
                    <Text size="sm" key={`${o.ruleId}-${o.field}-${o.start}-${o.end}`}>
                      “{excerpt(o.text, 60)}” in the {o.field} (<Code>{o.ruleId}</Code>): {o.reason}
                    </Text>
                  ))}
                </Stack>
              </Alert>
            ) : null}
            {!closed ? (
              <Card withBorder padding="sm" component="section" aria-label="Comment on a span">
                <Stack gap="xs">
                  <Group justify="space-between">
                    <Text size="sm">Select text in the body, then:</Text>
                    <Button
                      variant="default"
                      size="xs"
                      onClick={() => setSelection(editor.current?.getSelection() ?? null)}
                    >
                      Comment on selection
                    </Button>
                  </Group>
                  {selection ? (
                    <>
                      <Text size="sm" data-testid="selected-quote">
                        “{selection.text}”
                      </Text>
                      <Textarea
                        label="Comment"
                        value={comment}
                        onChange={(e) => setComment(e.currentTarget.value)}
                      />
                      <Button size="xs" onClick={addComment} disabled={!comment.trim()}>
                        Add comment
                      </Button>
                    </>
                  ) : null}
                </Stack>
              </Card>
            ) : null}
            <Stack gap="xs" component="section" aria-label="Your comments">
              {comments.map((c, i) => (
                <Card withBorder padding="xs" key={`${c.field}-${c.start}-${c.end}-${c.comment}`}>
                  <Text size="sm" fs="italic">
                    “{c.quote}”
                  </Text>
                  <Text size="sm">{c.comment}</Text>
                  {!closed ? (
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      color="red"
                      onClick={() => change({ comments: comments.filter((_, j) => j !== i) })}
                    >
                      Remove
                    </Button>
                  ) : null}
                </Card>
              ))}
            </Stack>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Card withBorder radius="md" padding="md" component="section" aria-labelledby="rubric-heading">
            <Title order={2} size="h5" id="rubric-heading" mb="sm">
              Rubric
            </Title>
            <fieldset disabled={closed} style={{ border: 0, padding: 0, margin: 0 }}>
              <Stack gap="md">
                <Checkbox
                  label="I have no conflict of interest with this item or its author"
                  checked={draft.noConflict ?? false}
                  onChange={(e) => change({ noConflict: e.currentTarget.checked })}
                />
                {rmetriqItems.map((it) => (
                  <Radio.Group
                    key={it.key}
                    label={it.name}
                    value={draft.rmetriq?.[it.key] === undefined ? null : String(draft.rmetriq[it.key])}
                    onChange={(v) => change({ rmetriq: { ...draft.rmetriq, [it.key]: Number(v) } })}
                  >
                    <Stack gap={4} mt={4}>
                      {it.anchors.map((anchor, score) => (
                        <Radio key={anchor} value={String(score)} label={`${score} — ${anchor}`} />
                      ))}
                    </Stack>
                  </Radio.Group>
                ))}
                <Radio.Group
                  label="Accuracy (1–7)"
                  value={draft.accuracy ? String(draft.accuracy) : null}
                  onChange={(v) => change({ accuracy: Number(v) })}
                >
                  <Group gap="sm" mt={4}>
                    {scoreOptions.map((n) => (
                      <Radio key={n} value={String(n)} label={String(n)} aria-label={`Accuracy ${n}`} />
                    ))}
                  </Group>
                </Radio.Group>
                <Radio.Group
                  label="Educational utility (1–7)"
                  value={draft.utility ? String(draft.utility) : null}
                  onChange={(v) => change({ utility: Number(v) })}
                >
                  <Group gap="sm" mt={4}>
                    {scoreOptions.map((n) => (
                      <Radio key={n} value={String(n)} label={String(n)} aria-label={`Utility ${n}`} />
                    ))}
                  </Group>
                </Radio.Group>
                <Radio.Group
                  label="Recommendation"
                  value={draft.recommendation ?? null}
                  onChange={(v) => change({ recommendation: v as Recommendation })}
                >
                  <Stack gap={4} mt={4}>
                    {(Object.keys(recommendationLabels) as Recommendation[]).map((r) => (
                      <Radio key={r} value={r} label={recommendationLabels[r]} />
                    ))}
                  </Stack>
                </Radio.Group>
              </Stack>
            </fieldset>
            {save.isError || submit.isError ? (
              <Text size="sm" c="red" role="alert" mt="sm">
                {errorMessage(save.error ?? submit.error)}
              </Text>
            ) : null}
            {save.isSuccess && !submit.isPending && !submit.isSuccess ? (
              <Text size="sm" c="dimmed" role="status" mt="sm">
                Saved.
              </Text>
            ) : null}
            {!closed ? (
              <Group mt="md">
                <Button variant="default" onClick={() => save.mutate(draft)} loading={save.isPending}>
                  Save review
                </Button>
                <Button onClick={onSubmit} loading={submit.isPending}>
                  Submit review
                </Button>
                <Button variant="subtle" color="red" onClick={() => setDeclining(true)}>
                  Decline
                </Button>
              </Group>
            ) : null}
            {declining && !closed ? (
              <Stack gap="xs" mt="md">
                <Textarea
                  label="Reason for declining"
                  value={reason}
                  onChange={(e) => setReason(e.currentTarget.value)}
                />
                {decline.isError ? (
                  <Text size="sm" c="red" role="alert">
                    {errorMessage(decline.error)}
                  </Text>
                ) : null}
                <Button
                  color="red"
                  onClick={() =>
                    decline.mutate(reason.trim(), {
                      // A reviewer who declined no longer reads the item: back to the list.
                      onSuccess: () => {
                        notifications.show({
                          color: 'gray',
                          message: 'You declined this review; the editor will ask someone else.',
                        })
                        navigate('/reviews')
                      },
                    })
                  }
                  disabled={!reason.trim()}
                  loading={decline.isPending}
                >
                  Decline review
                </Button>
              </Stack>
            ) : null}
          </Card>
        </Grid.Col>
      </Grid>
    </>
  )
}
