import {
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Modal,
  Radio,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import { useQueries } from '@tanstack/react-query'
import { useState } from 'react'
import { Link, useNavigate } from 'react-router'
import { api, errorMessage } from '../api/client.ts'
import {
  type ItemKind,
  type ItemListEntry,
  type ItemState,
  itemKinds,
  itemStates,
  useCreateItem,
  useItem,
  useItems,
} from '../api/content.ts'
import { type Round, reviewKeys } from '../api/review.ts'
import { formatDate, formatDateTime } from '../lib/format.ts'
import { useCurrentOrganisation } from '../org/OrganisationContext.tsx'
import { AssignReviewersPanel } from '../review/EditorReview.tsx'
import { ErrorState, PageLoader, PageTitle } from '../shell/Page.tsx'
import { kindLabels, stateLabels } from './labels.ts'

export function StateBadge({ state }: { state: ItemState }) {
  const label = stateLabels[state]
  return (
    <Badge color={label.color} variant="light" data-testid="item-state">
      {label.label}
    </Badge>
  )
}

export function ItemsTable({
  items,
  showAuthor,
  label,
}: {
  items: readonly ItemListEntry[]
  showAuthor: boolean
  label: string
}) {
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table verticalSpacing="sm" horizontalSpacing="md" striped aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Title</Table.Th>
            <Table.Th>Kind</Table.Th>
            <Table.Th>State</Table.Th>
            {showAuthor ? <Table.Th>Author</Table.Th> : null}
            <Table.Th>Updated</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((item) => (
            <Table.Tr key={item.id}>
              <Table.Td>
                <Anchor component={Link} to={`/content/${item.id}`} fw={600}>
                  {item.title.trim() || 'Untitled'}
                </Anchor>
              </Table.Td>
              <Table.Td>{kindLabels[item.kind].label}</Table.Td>
              <Table.Td>
                <Group gap={6} wrap="nowrap">
                  <StateBadge state={item.state} />
                  {item.blocking > 0 ? (
                    <Badge color="red" variant="outline" data-testid="blocking-count">
                      {item.blocking} blocking
                    </Badge>
                  ) : null}
                </Group>
              </Table.Td>
              {showAuthor ? <Table.Td>{item.author.name}</Table.Td> : null}
              <Table.Td>
                <Text size="sm" c="dimmed">
                  {formatDateTime(item.updatedAt)}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  )
}

function NewItemModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { organisation } = useCurrentOrganisation()
  const create = useCreateItem(organisation.slug)
  const navigate = useNavigate()
  const [kind, setKind] = useState<ItemKind>('post')
  const [title, setTitle] = useState('')
  const onCreate = () =>
    create.mutate({ kind, title: title.trim() }, { onSuccess: (item) => navigate(`/content/${item.id}`) })
  return (
    <Modal opened={opened} onClose={onClose} title="New item">
      <form
        onSubmit={(event) => {
          event.preventDefault()
          onCreate()
        }}
      >
        <Stack gap="md">
          <TextInput
            label="Title"
            description="You can change it later."
            value={title}
            onChange={(event) => setTitle(event.currentTarget.value)}
            maxLength={300}
            data-autofocus
          />
          <Radio.Group label="Kind" value={kind} onChange={(value) => setKind(value as ItemKind)}>
            <Stack gap="xs" mt={6}>
              {itemKinds.map((k) => (
                <Radio
                  key={k}
                  value={k}
                  label={kindLabels[k].label}
                  description={kindLabels[k].description}
                />
              ))}
            </Stack>
          </Radio.Group>
          {create.isError ? (
            <Text size="sm" c="red" role="alert">
              {errorMessage(create.error)}
            </Text>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create draft
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}

export function ContentListPage() {
  const { me, organisation, can } = useCurrentOrganisation()
  const [state, setState] = useState<ItemState | null>(null)
  const editor = can('review.manage')
  const [scope, setScope] = useState<'mine' | 'all'>('mine')
  const items = useItems(organisation.slug, state)
  const [creating, setCreating] = useState(false)

  return (
    <>
      <PageTitle
        description="Your drafts and submissions. Every item is screened when you submit it, then peer reviewed before it can be published."
        actions={<Button onClick={() => setCreating(true)}>New item</Button>}
      >
        {scope === 'all' ? 'All items' : 'My content'}
      </PageTitle>
      <NewItemModal opened={creating} onClose={() => setCreating(false)} />
      <Card withBorder radius="md" padding="md">
        <Stack gap="md">
          <Group gap="md" wrap="wrap" align="flex-end">
            {editor ? (
              <SegmentedControl
                aria-label="Whose items"
                value={scope}
                onChange={(value) => setScope(value === 'all' ? 'all' : 'mine')}
                data={[
                  { value: 'mine', label: 'Mine' },
                  { value: 'all', label: 'All items' },
                ]}
              />
            ) : null}
            <StateFilter state={state} onChange={setState} />
          </Group>
          <ItemsResult
            query={items}
            state={state}
            showAuthor={scope === 'all'}
            label={scope === 'all' ? 'All items' : 'My items'}
            filter={scope === 'all' ? undefined : (i) => i.author.id === me.user.id}
          />
        </Stack>
      </Card>
    </>
  )
}

/** One in-review item: its reviewers, their status and due dates (from the round). */
type QueueRow = { item: ItemListEntry; round: Round | undefined; earliestDue: string }

/** Replaces a reviewer who declined: the eligible candidates, and the excluded with their reasons. */
function ReplaceReviewerModal({ item, onClose }: { item: ItemListEntry | null; onClose: () => void }) {
  const { organisation } = useCurrentOrganisation()
  const full = useItem(organisation.slug, item?.id ?? '', item !== null)
  return (
    <Modal
      opened={item !== null}
      onClose={onClose}
      title={`Replace a reviewer: ${item?.title.trim() || 'Untitled'}`}
    >
      {full.data && item ? (
        <AssignReviewersPanel item={full.data} onAssigned={onClose} />
      ) : full.isError ? (
        <ErrorState error={full.error} title="Could not load the item" />
      ) : (
        <PageLoader label="Loading the item" />
      )}
    </Modal>
  )
}

function InReviewTable({ rows }: { rows: QueueRow[] }) {
  const now = new Date().toISOString()
  const [replacing, setReplacing] = useState<ItemListEntry | null>(null)
  return (
    <>
      <ReplaceReviewerModal item={replacing} onClose={() => setReplacing(null)} />
      <Table.ScrollContainer minWidth={640}>
        <Table verticalSpacing="sm" horizontalSpacing="md" striped aria-label="In review">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Title</Table.Th>
              <Table.Th>Author</Table.Th>
              <Table.Th>Reviewers</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map(({ item, round }) => (
              <Table.Tr key={item.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/content/${item.id}`} fw={600}>
                    {item.title.trim() || 'Untitled'}
                  </Anchor>
                </Table.Td>
                <Table.Td>{item.author.name}</Table.Td>
                <Table.Td>
                  {!round ? (
                    <Text size="sm" c="dimmed">
                      Loading…
                    </Text>
                  ) : (
                    <Stack gap={2}>
                      {round.reviews.map((r) => {
                        const overdue = r.status === 'assigned' && r.dueAt < now
                        return (
                          <Text size="sm" key={r.assignmentId} c={overdue ? 'red' : undefined}>
                            {r.reviewer.name}: {r.status}
                            {r.status === 'assigned'
                              ? ` · ${overdue ? 'Overdue' : 'Due'} ${formatDate(r.dueAt)}`
                              : ''}
                            {r.status === 'declined' && r.declineReason ? ` (“${r.declineReason}”)` : ''}
                          </Text>
                        )
                      })}
                      {needsReplacement(round) ? (
                        <Group>
                          <Button
                            size="compact-sm"
                            variant="light"
                            color="orange"
                            onClick={() => setReplacing(item)}
                            aria-label={`Replace a reviewer of ${item.title.trim() || 'Untitled'}`}
                          >
                            Replace reviewer
                          </Button>
                        </Group>
                      ) : null}
                    </Stack>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </>
  )
}

/** An open round with fewer active reviewers than the organisation requires (someone declined). */
function needsReplacement(round: Round | undefined): boolean {
  if (!round || round.decision) return false
  return round.reviews.filter((r) => r.status !== 'declined').length < round.reviewersRequired
}

/** The editor's queue: items waiting for reviewers, then items in review (overdue first), then every item. */
export function ReviewQueuePage() {
  const { organisation } = useCurrentOrganisation()
  const submitted = useItems(organisation.slug, 'submitted')
  const inReview = useItems(organisation.slug, 'in_review')
  const rounds = useQueries({
    queries: (inReview.data?.items ?? []).map((item) => ({
      queryKey: reviewKeys.round(organisation.slug, item.id),
      queryFn: () =>
        api<Round>(
          'GET',
          `/api/orgs/${encodeURIComponent(organisation.slug)}/items/${encodeURIComponent(item.id)}/review`,
        ),
    })),
  })
  const [state, setState] = useState<ItemState | null>(null)
  const all = useItems(organisation.slug, state)
  // Drafts and revisions that screening stopped: an editor may override a finding with a reason.
  const everything = useItems(organisation.slug, null)
  const stopped = (everything.data?.items ?? []).filter((i) => i.blocking > 0)
  const pending = submitted.isPending || inReview.isPending
  const error = submitted.error ?? inReview.error
  const waiting = [...(submitted.data?.items ?? [])].sort((a, b) => a.updatedAt.localeCompare(b.updatedAt))
  const reviewing: QueueRow[] = (inReview.data?.items ?? [])
    .map((item, i) => {
      const round = rounds[i]?.data
      const dues = (round?.reviews ?? []).filter((r) => r.status === 'assigned').map((r) => r.dueAt)
      return { item, round, earliestDue: dues.sort()[0] ?? '9999' }
    })
    .sort(
      (a, b) =>
        Number(needsReplacement(b.round)) - Number(needsReplacement(a.round)) ||
        a.earliestDue.localeCompare(b.earliestDue),
    )
  const retry = () => {
    void submitted.refetch()
    void inReview.refetch()
  }
  return (
    <>
      <PageTitle description="Items waiting for reviewers, items in review with their reviewers (overdue first), and every item in the organisation.">
        Review queue
      </PageTitle>
      <Stack gap="lg">
        <Card withBorder radius="md" padding="md" component="section" aria-labelledby="waiting-heading">
          <Title order={2} size="h4" id="waiting-heading" mb="sm">
            Waiting for reviewers
          </Title>
          {pending ? (
            <PageLoader label="Loading the queue" />
          ) : error ? (
            <ErrorState error={error} title="Could not load the queue" onRetry={retry} />
          ) : waiting.length === 0 ? (
            <Text c="dimmed" size="sm">
              Nothing is waiting for reviewers.
            </Text>
          ) : (
            <ItemsTable items={waiting} showAuthor label="Waiting for assignment" />
          )}
        </Card>
        {stopped.length > 0 ? (
          <Card withBorder radius="md" padding="md" component="section" aria-labelledby="stopped-heading">
            <Title order={2} size="h4" id="stopped-heading" mb="xs">
              Stopped at screening
            </Title>
            <Text size="sm" c="dimmed" mb="sm">
              Submissions screening refused. Open one to override a finding with a written reason (for
              example, consent on file), or leave the author to fix it.
            </Text>
            <ItemsTable items={stopped} showAuthor label="Stopped at screening" />
          </Card>
        ) : null}
        <Card withBorder radius="md" padding="md" component="section" aria-labelledby="in-review-heading">
          <Title order={2} size="h4" id="in-review-heading" mb="sm">
            In review
          </Title>
          {pending ? (
            <PageLoader label="Loading the queue" />
          ) : error ? null : reviewing.length === 0 ? (
            <Text c="dimmed" size="sm">
              Nothing is in review.
            </Text>
          ) : (
            <InReviewTable rows={reviewing} />
          )}
        </Card>
        <Card withBorder radius="md" padding="md" component="section" aria-labelledby="all-items-heading">
          <Group justify="space-between" align="flex-end" mb="sm">
            <Title order={2} size="h4" id="all-items-heading">
              All items
            </Title>
            <StateFilter state={state} onChange={setState} />
          </Group>
          <ItemsResult query={all} state={state} showAuthor label="All items" />
        </Card>
      </Stack>
    </>
  )
}

function StateFilter({
  state,
  onChange,
}: {
  state: ItemState | null
  onChange: (state: ItemState | null) => void
}) {
  return (
    <Select
      label="State"
      w={220}
      value={state ?? 'any'}
      onChange={(value) => onChange(value && value !== 'any' ? (value as ItemState) : null)}
      data={[
        { value: 'any', label: 'Any state' },
        ...itemStates.map((s) => ({ value: s, label: stateLabels[s].label })),
      ]}
      allowDeselect={false}
    />
  )
}

function ItemsResult({
  query,
  state,
  showAuthor,
  label,
  filter,
}: {
  query: ReturnType<typeof useItems>
  state: ItemState | null
  showAuthor: boolean
  label: string
  filter?: (item: ItemListEntry) => boolean
}) {
  if (query.isPending) return <PageLoader label="Loading items" />
  if (query.isError) {
    return <ErrorState error={query.error} title="Could not load the items" onRetry={() => query.refetch()} />
  }
  const shown = filter ? query.data.items.filter(filter) : query.data.items
  if (shown.length === 0) {
    return (
      <Text c="dimmed" size="sm">
        {state ? `No items in the state “${stateLabels[state].label}”.` : 'Nothing here yet.'}
      </Text>
    )
  }
  return <ItemsTable items={shown} showAuthor={showAuthor} label={label} />
}
