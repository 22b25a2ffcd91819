import {
  Alert,
  Badge,
  Blockquote,
  Button,
  Card,
  Checkbox,
  Code,
  Group,
  Radio,
  Stack,
  Switch,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core'
import { useState } from 'react'
import { errorMessage } from '../api/client.ts'
import type { Item } from '../api/content.ts'
import {
  type Decision,
  type Review,
  RMETRIQ_MAX,
  type Round,
  recommendationLabels,
  rmetriqItems,
  useApprovals,
  useAssignReviewers,
  useDecideReview,
  useReviewCandidates,
  useReviewRound,
} from '../api/review.ts'
import { formatDate, formatDateTime } from '../lib/format.ts'
import { useCurrentOrganisation } from '../org/OrganisationContext.tsx'
import { PageLoader } from '../shell/Page.tsx'

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)

/** The editor picks the required number of eligible reviewers; excluded ones are shown with the reasons. */
export function AssignReviewersPanel({ item, onAssigned }: { item: Item; onAssigned?: () => void }) {
  const { organisation } = useCurrentOrganisation()
  const candidates = useReviewCandidates(organisation.slug, item.id)
  const assign = useAssignReviewers(organisation.slug, item.id)
  const [picked, setPicked] = useState<string[]>([])
  const [anonymous, setAnonymous] = useState(false)
  const [due, setDue] = useState(inDays(7))
  if (candidates.isPending) return <PageLoader label="Loading reviewers" />
  if (candidates.isError) {
    return (
      <Text c="red" size="sm" role="alert">
        {errorMessage(candidates.error)}
      </Text>
    )
  }
  const { reviewersRequired, assigned, eligible, excluded } = candidates.data
  // With reviewers already in the open round (after a decline, or carried over to a
  // resubmission), only the missing places are filled, in that round and with its anonymity.
  const replacing = assigned > 0
  const needed = Math.max(reviewersRequired - assigned, 0)
  const onAssign = () =>
    assign.mutate(
      {
        reviewerIds: picked,
        ...(replacing ? {} : { anonymous }),
        ...(due ? { dueAt: new Date(`${due}T23:59:00`).toISOString() } : {}),
      },
      {
        onSuccess: () => {
          setPicked([])
          onAssigned?.()
        },
      },
    )
  if (needed === 0) return null
  return (
    <Stack gap="sm" component="section" aria-label="Assign reviewers">
      <Title order={3} size="h5">
        {replacing
          ? `Assign ${needed === 1 ? 'a replacement reviewer' : `${needed} more reviewers`}`
          : 'Assign reviewers'}
      </Title>
      {replacing ? (
        <Text size="sm" c="dimmed">
          {assigned} of {reviewersRequired} reviewers are in this round.
        </Text>
      ) : null}
      <Checkbox.Group label={`Eligible reviewers (pick ${needed})`} value={picked} onChange={setPicked}>
        <Stack gap={6} mt={6}>
          {eligible.length === 0 ? (
            <Text size="sm" c="dimmed">
              No eligible reviewers.
            </Text>
          ) : (
            eligible.map((c) => (
              <Checkbox
                key={c.id}
                value={c.id}
                label={c.name}
                disabled={!picked.includes(c.id) && picked.length >= needed}
              />
            ))
          )}
        </Stack>
      </Checkbox.Group>
      {excluded.length > 0 ? (
        <Stack gap={4}>
          <Text size="sm" fw={600}>
            Excluded
          </Text>
          <Stack component="ul" gap={4} m={0} pl="md" aria-label="Excluded reviewers">
            {excluded.map((c) => (
              <Text component="li" size="sm" key={c.id}>
                {c.name} — {c.reasons.join('; ')}
              </Text>
            ))}
          </Stack>
        </Stack>
      ) : null}
      {replacing ? null : (
        <Switch
          label="Anonymous review"
          description="Author and reviewers are hidden from each other."
          checked={anonymous}
          onChange={(e) => setAnonymous(e.currentTarget.checked)}
        />
      )}
      <TextInput
        type="date"
        label="Due date"
        value={due}
        min={inDays(0)}
        onChange={(e) => setDue(e.currentTarget.value)}
      />
      {assign.isError ? (
        <Text size="sm" c="red" role="alert">
          {errorMessage(assign.error)}
        </Text>
      ) : null}
      <Button onClick={onAssign} loading={assign.isPending} disabled={picked.length !== needed}>
        {replacing ? 'Assign replacement' : 'Assign reviewers'}
      </Button>
    </Stack>
  )
}

const statusColor = { assigned: 'blue', declined: 'gray', submitted: 'teal' } as const

function ReviewerStatus({ review }: { review: Review }) {
  const overdue = review.status === 'assigned' && review.dueAt < new Date().toISOString()
  return (
    <Group gap={4}>
      <Badge color={statusColor[review.status]} variant="light">
        {review.status}
      </Badge>
      {review.status === 'assigned' ? (
        <Text size="xs" c={overdue ? 'red' : 'dimmed'}>
          {overdue ? 'Overdue: ' : 'Due '}
          {formatDate(review.dueAt)}
        </Text>
      ) : null}
    </Group>
  )
}

const fmt = (n: number | null | undefined) => (n === null || n === undefined ? '—' : String(n))
const mean = (n: number | null) => (n === null ? '—' : n.toFixed(1))

/** All reviews side by side with the aggregate, then the span comments. */
export function ReviewsSideBySide({
  round,
  onQuote,
}: {
  round: Round
  /** When given, each comment on the body offers to select its span in the text being revised. */
  onQuote?: (comment: Review['comments'][number]) => void
}) {
  const reviews = round.reviews.filter((r) => r.status !== 'declined')
  const agg = round.aggregate
  return (
    <Stack gap="sm">
      <Table.ScrollContainer minWidth={360}>
        <Table withTableBorder striped aria-label="Reviews side by side">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Criterion</Table.Th>
              {reviews.map((r) => (
                <Table.Th key={r.assignmentId}>{r.reviewer.name}</Table.Th>
              ))}
              <Table.Th>Mean</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            <Table.Tr>
              <Table.Td>Status</Table.Td>
              {reviews.map((r) => (
                <Table.Td key={r.assignmentId}>
                  <ReviewerStatus review={r} />
                </Table.Td>
              ))}
              <Table.Td>{agg ? `${agg.submitted} submitted` : '—'}</Table.Td>
            </Table.Tr>
            {rmetriqItems.map((it) => (
              <Table.Tr key={it.key}>
                <Table.Td>{it.name}</Table.Td>
                {reviews.map((r) => (
                  <Table.Td key={r.assignmentId}>{fmt(r.rmetriq[it.key])}</Table.Td>
                ))}
                <Table.Td />
              </Table.Tr>
            ))}
            <Table.Tr>
              <Table.Td fw={600}>rMETRIQ total (of {RMETRIQ_MAX})</Table.Td>
              {reviews.map((r) => (
                <Table.Td key={r.assignmentId}>{fmt(r.rmetriqTotal)}</Table.Td>
              ))}
              <Table.Td data-testid="rmetriq-mean">{mean(agg?.rmetriqMean ?? null)}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Td fw={600}>Accuracy (1–7)</Table.Td>
              {reviews.map((r) => (
                <Table.Td key={r.assignmentId}>{fmt(r.accuracy)}</Table.Td>
              ))}
              <Table.Td>{mean(agg?.accuracyMean ?? null)}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Td fw={600}>Educational utility (1–7)</Table.Td>
              {reviews.map((r) => (
                <Table.Td key={r.assignmentId}>{fmt(r.utility)}</Table.Td>
              ))}
              <Table.Td>{mean(agg?.utilityMean ?? null)}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Td fw={600}>Recommendation</Table.Td>
              {reviews.map((r) => (
                <Table.Td key={r.assignmentId}>
                  {r.recommendation ? recommendationLabels[r.recommendation] : '—'}
                </Table.Td>
              ))}
              <Table.Td />
            </Table.Tr>
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {round.reviews.some((r) => r.declineReason) ? (
        <Stack gap={4}>
          {round.reviews
            .filter((r) => r.declineReason)
            .map((r) => (
              <Text size="sm" key={r.assignmentId}>
                {r.reviewer.name} declined: {r.declineReason}
              </Text>
            ))}
        </Stack>
      ) : null}
      <Stack gap="xs" aria-label="Reviewers’ comments" component="section">
        <Text fw={600} size="sm">
          Comments
        </Text>
        {reviews.every((r) => r.comments.length === 0) ? (
          <Text size="sm" c="dimmed">
            No comments.
          </Text>
        ) : (
          reviews.flatMap((r) =>
            r.comments.map((c) => (
              <Card key={`${r.assignmentId}-${c.field}-${c.start}-${c.end}`} withBorder padding="xs">
                <Text size="xs" c="dimmed">
                  {r.reviewer.name} on the {c.field}
                </Text>
                <Blockquote p="xs" my={4}>
                  {c.quote}
                </Blockquote>
                <Text size="sm">{c.comment}</Text>
                {onQuote && c.field === 'body' ? (
                  <Group mt={4}>
                    <Button size="compact-xs" variant="subtle" onClick={() => onQuote(c)}>
                      Show in the text
                    </Button>
                  </Group>
                ) : null}
              </Card>
            )),
          )
        )}
      </Stack>
    </Stack>
  )
}

function DecisionForm({ round, itemId }: { round: Round; itemId: string }) {
  const { organisation } = useCurrentOrganisation()
  const decide = useDecideReview(organisation.slug, itemId)
  const [decision, setDecision] = useState<Decision>('accept')
  const [message, setMessage] = useState('')
  const pending = round.reviews.some((r) => r.status === 'assigned')
  return (
    <Stack gap="sm" component="section" aria-label="Decision">
      <Title order={3} size="h5">
        Decision
      </Title>
      {pending ? (
        <Text size="sm" c="dimmed">
          Some reviews are still outstanding.
        </Text>
      ) : null}
      <Radio.Group label="Decision" value={decision} onChange={(v) => setDecision(v as Decision)}>
        <Group gap="md" mt={6}>
          <Radio value="accept" label="Accept" />
          <Radio value="revise" label="Revise" />
          <Radio value="reject" label="Reject" />
        </Group>
      </Radio.Group>
      <Textarea
        label="Message to the author"
        value={message}
        onChange={(e) => setMessage(e.currentTarget.value)}
        autosize
        minRows={3}
      />
      {decide.isError ? (
        <Text size="sm" c="red" role="alert">
          {errorMessage(decide.error)}
        </Text>
      ) : null}
      <Button
        onClick={() => decide.mutate({ decision, message: message.trim() })}
        loading={decide.isPending}
        disabled={!message.trim()}
      >
        Record decision
      </Button>
    </Stack>
  )
}

const decisionLabels: Record<Decision, string> = {
  accept: 'Accepted',
  revise: 'Changes requested',
  reject: 'Rejected',
}

/** The approval that holds, with the hash it is bound to. */
export function ApprovalStatus({ item }: { item: Item }) {
  const { organisation } = useCurrentOrganisation()
  const approvals = useApprovals(organisation.slug, item.id)
  const active = approvals.data?.approvals.find((a) => a.status === 'active')
  if (!active) return null
  return (
    <Alert color="teal" variant="light" title="Approved" data-testid="approval">
      <Text size="sm">
        Version {active.version} approved{active.approvedBy ? ` by ${active.approvedBy.name}` : ''} on{' '}
        {formatDateTime(active.approvedAt)}; expires {formatDate(active.expiresAt)}.
      </Text>
      <Text size="sm">
        Content hash: <Code data-testid="approved-hash">{active.contentHash}</Code>
      </Text>
    </Alert>
  )
}

/** The item page's peer-review card: assign, follow, decide (editors) or read the decision and revise (author). */
export function ItemReviewCard({
  item,
  onQuote,
}: {
  item: Item
  /** Selects a reviewer's quoted span in the author's editor. */
  onQuote?: (comment: Review['comments'][number]) => void
}) {
  const { can, me, organisation } = useCurrentOrganisation()
  const editor = can('review.manage')
  // A submitted item may already have a round: a resubmission carries its reviewers over.
  const hasRound = item.state !== 'draft' && (item.state !== 'submitted' || editor)
  const round = useReviewRound(organisation.slug, item.id, hasRound)
  if (!editor && !hasRound) return null
  const open = round.data && !round.data.decision ? round.data : null
  const active = open ? open.reviews.filter((r) => r.status !== 'declined').length : 0
  const needsReviewers =
    editor &&
    (item.state === 'submitted' ||
      (item.state === 'in_review' && open !== null && active < open.reviewersRequired))
  const mine = item.author.id === me.user.id
  const revising = item.state === 'changes_requested'
  return (
    <Card withBorder radius="md" padding="md" component="section" aria-labelledby="peer-review-heading">
      <Title order={2} size="h5" id="peer-review-heading" mb="sm">
        Peer review
      </Title>
      <Stack gap="md">
        <ApprovalStatus item={item} />
        {editor && open?.reviews.some((r) => r.status === 'declined') ? (
          <Alert color="yellow" variant="light" title="A reviewer declined" data-testid="declined">
            {open.reviews
              .filter((r) => r.status === 'declined')
              .map((r) => (
                <Text size="sm" key={r.assignmentId}>
                  {r.reviewer.name}: {r.declineReason}
                </Text>
              ))}
          </Alert>
        ) : null}
        {needsReviewers ? <AssignReviewersPanel item={item} /> : null}
        {hasRound && round.isPending ? <PageLoader label="Loading the review" /> : null}
        {hasRound && round.data ? (
          <>
            <Text size="sm" c="dimmed">
              Round on version {round.data.version}
              {round.data.anonymous ? ' (anonymous)' : ''}.
            </Text>
            {round.data.decision ? (
              <Alert
                color={round.data.decision === 'accept' ? 'teal' : 'orange'}
                variant="light"
                title={decisionLabels[round.data.decision]}
                data-testid="decision"
              >
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                  {round.data.decisionMessage}
                </Text>
              </Alert>
            ) : null}
            {revising && mine && round.data.decision === 'revise' ? (
              <Text size="sm">
                Revise the item with the reviewers’ comments below, then resubmit it: it goes back to the same
                reviewers, who see what you changed.
              </Text>
            ) : null}
            {round.data.reviews.length > 0 ? (
              <ReviewsSideBySide round={round.data} {...(revising && onQuote ? { onQuote } : {})} />
            ) : null}
            {editor && !round.data.decision && item.state === 'in_review' ? (
              <DecisionForm round={round.data} itemId={item.id} />
            ) : null}
          </>
        ) : null}
      </Stack>
    </Card>
  )
}
