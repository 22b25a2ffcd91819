import { Badge, Button, Card, Center, Code, Group, Stack, Table, Text } from '@mantine/core'
import { useAuditLog, useMembers } from '../api/queries.ts'
import { formatDateTime } from '../lib/format.ts'
import { useCurrentOrganisation } from '../org/OrganisationContext.tsx'
import { ErrorState, PageLoader, PageTitle } from '../shell/Page.tsx'

function SummaryValue({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <>—</>
  if (Array.isArray(value) && value.length === 0) return <>none</>
  if (Array.isArray(value) && value.every((item) => typeof item !== 'object')) return <>{value.join(', ')}</>
  if (typeof value === 'object') return <Code>{JSON.stringify(value)}</Code>
  return <>{String(value)}</>
}

function Summary({ summary }: { summary: Record<string, unknown> }) {
  const entries = Object.entries(summary)
  if (entries.length === 0) return <Text size="sm">—</Text>
  return (
    <Stack gap={0}>
      {entries.map(([key, value]) => (
        <Text size="xs" key={key}>
          <Text span size="xs" c="dimmed">
            {key}:
          </Text>{' '}
          <SummaryValue value={value} />
        </Text>
      ))}
    </Stack>
  )
}

export function AuditPage() {
  const { organisation, can } = useCurrentOrganisation()
  const audit = useAuditLog(organisation.slug)
  const events = audit.data?.pages.flatMap((page) => page.events) ?? []
  // Name the people that events are about, where the viewer may see the member list.
  const members = useMembers(organisation.slug, can('members.read'))
  const names = new Map((members.data?.members ?? []).map((member) => [member.userId, member.name]))

  return (
    <>
      <PageTitle
        description={`Every change in ${organisation.name}, newest first. The log is append-only and tamper-evident.`}
      >
        Audit log
      </PageTitle>
      {audit.isPending ? (
        <PageLoader label="Loading the audit log" />
      ) : audit.isError && events.length === 0 ? (
        <ErrorState error={audit.error} onRetry={() => audit.refetch()} />
      ) : (
        <Stack gap="md">
          <Card withBorder padding={0} radius="md">
            <Table.ScrollContainer minWidth={860}>
              <Table verticalSpacing="sm" horizontalSpacing="md" striped aria-label="Audit events">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>#</Table.Th>
                    <Table.Th>When</Table.Th>
                    <Table.Th>Who</Table.Th>
                    <Table.Th>Action</Table.Th>
                    <Table.Th>Resource</Table.Th>
                    <Table.Th>Details</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {events.length === 0 ? (
                    <Table.Tr>
                      <Table.Td colSpan={6}>
                        <Text c="dimmed" ta="center" py="md">
                          Nothing has been recorded yet.
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ) : (
                    events.map((event) => (
                      <Table.Tr key={event.seq}>
                        <Table.Td>
                          <Text size="sm" c="dimmed">
                            {event.seq}
                          </Text>
                        </Table.Td>
                        <Table.Td className="table-nowrap">
                          <Text size="sm" component="time" dateTime={event.occurredAt}>
                            {formatDateTime(event.occurredAt)}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{event.actor?.name ?? 'System'}</Text>
                        </Table.Td>
                        <Table.Td>
                          <Badge variant="light" color="gray" tt="none">
                            {event.action}
                          </Badge>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">
                            {event.resourceType}
                            {event.resourceType === 'user' && names.has(event.resourceId)
                              ? `: ${names.get(event.resourceId)}`
                              : ''}
                          </Text>
                          <Text size="xs" c="dimmed" ff="monospace" style={{ wordBreak: 'break-all' }}>
                            {event.resourceId}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Summary summary={event.summary} />
                        </Table.Td>
                      </Table.Tr>
                    ))
                  )}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Card>
          {audit.isFetchNextPageError ? (
            <ErrorState error={audit.error} title="Could not load older events" />
          ) : null}
          <Center>
            {audit.hasNextPage ? (
              <Button
                variant="default"
                onClick={() => audit.fetchNextPage()}
                loading={audit.isFetchingNextPage}
              >
                Load more
              </Button>
            ) : events.length > 0 ? (
              <Group gap="xs">
                <Text size="sm" c="dimmed" role="status">
                  Showing all {events.length} events.
                </Text>
              </Group>
            ) : null}
          </Center>
        </Stack>
      )}
    </>
  )
}
