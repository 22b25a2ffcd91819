import {
  Alert,
  Anchor,
  Button,
  Card,
  Group,
  Modal,
  SegmentedControl,
  Stack,
  Table,
  Text,
  Textarea,
} from '@mantine/core'
import { useForm } from '@mantine/form'
import { notifications } from '@mantine/notifications'
import { useState } from 'react'
import { Link } from 'react-router'
import { errorMessage } from '../api/client.ts'
import { useMemberDisclosures, useRecordMitigation } from '../api/standards.ts'
import type { MemberDisclosure, Relationship } from '../api/types.ts'
import { formatCalendarDate, formatDate } from '../lib/format.ts'
import { applyFieldErrors, focusFirstInvalid } from '../lib/forms.ts'
import { useCurrentOrganisation } from '../org/OrganisationContext.tsx'
import { ErrorState, PageLoader, PageTitle } from '../shell/Page.tsx'
import { AttestationBadge, amountText, MitigationList, natureText, periodText } from './parts.tsx'

type Target = { member: MemberDisclosure; relationship: Relationship }

function MitigationModal({ target, onClose }: { target: Target | null; onClose: () => void }) {
  const { organisation } = useCurrentOrganisation()
  const record = useRecordMitigation(organisation.slug)
  const [error, setError] = useState<string | null>(null)
  const form = useForm({
    initialValues: { steps: '' },
    validate: {
      steps: (value) => (value.trim().length >= 10 ? null : 'Describe the steps (at least 10 characters)'),
    },
  })
  const close = () => {
    form.reset()
    setError(null)
    onClose()
  }
  const submit = form.onSubmit(async ({ steps }) => {
    if (!target) return
    setError(null)
    try {
      await record.mutateAsync({
        userId: target.member.userId,
        relationshipId: target.relationship.id,
        steps: steps.trim(),
      })
      notifications.show({
        color: 'teal',
        message: `Mitigation recorded for ${target.member.name}'s relationship with ${target.relationship.company.name}.`,
      })
      close()
    } catch (caught) {
      if (!applyFieldErrors(form, caught, ['steps']))
        setError(errorMessage(caught, 'Could not record the mitigation.'))
    }
  }, focusFirstInvalid)
  return (
    <Modal opened={target !== null} onClose={close} title="Record mitigation" size="lg">
      {target ? (
        <form onSubmit={submit} noValidate>
          <Stack gap="md">
            <Text size="sm">
              {target.member.name}: {natureText(target.relationship).toLowerCase()} from{' '}
              {target.relationship.company.name} ({periodText(target.relationship)}).
            </Text>
            <Text size="sm" c="dimmed">
              Record what {organisation.name} does so this relationship cannot bias what the member publishes:
              for example an extra independent review by someone without ties to the company, or keeping them
              off topics about its products.
            </Text>
            {error ? (
              <Alert color="red" variant="light">
                {error}
              </Alert>
            ) : null}
            <Textarea
              label="Mitigation steps"
              required
              autosize
              minRows={3}
              maxLength={2000}
              data-autofocus
              {...form.getInputProps('steps')}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={record.isPending}>
                Record mitigation
              </Button>
            </Group>
          </Stack>
        </form>
      ) : null}
    </Modal>
  )
}

type Filter = 'all' | 'attention' | 'relationships'

export function OrganisationDisclosuresPage() {
  const { me, organisation, can } = useCurrentOrganisation()
  const disclosures = useMemberDisclosures(organisation.slug)
  const canMitigate = can('review.manage')
  const [target, setTarget] = useState<Target | null>(null)
  const [filter, setFilter] = useState<Filter>('all')

  const members = disclosures.data?.members ?? []
  const current = members.filter((m) => m.status === 'current').length
  const shown = members.filter((m) =>
    filter === 'attention'
      ? m.status !== 'current'
      : filter === 'relationships'
        ? m.relationships.length > 0
        : true,
  )

  return (
    <>
      <Anchor component={Link} to="/disclosures" size="sm" mb="xs" display="inline-block">
        ← Your own disclosures
      </Anchor>
      <PageTitle
        description={`Where each member of ${organisation.name} stands: whether their disclosure attestation is current, and their relationships with ineligible companies in the past 24 months.${canMitigate ? ' Record the steps taken to mitigate a relevant relationship.' : ''}`}
      >
        Organisation disclosures
      </PageTitle>
      {disclosures.isPending ? (
        <PageLoader label="Loading disclosures" />
      ) : disclosures.isError ? (
        <ErrorState error={disclosures.error} onRetry={() => disclosures.refetch()} />
      ) : (
        <Stack gap="md">
          <Group justify="space-between" wrap="wrap">
            <Text size="sm" c="dimmed">
              {current} of {members.length} members have a current attestation. Relationships that ended
              before {formatCalendarDate(disclosures.data.windowStart)} have dropped out.
            </Text>
            <SegmentedControl
              aria-label="Show"
              value={filter}
              onChange={(value) => setFilter(value as Filter)}
              data={[
                { value: 'all', label: 'Everyone' },
                { value: 'attention', label: 'Not current' },
                { value: 'relationships', label: 'With relationships' },
              ]}
            />
          </Group>
          <Card withBorder padding={0} radius="md">
            <Table.ScrollContainer minWidth={900}>
              <Table verticalSpacing="sm" horizontalSpacing="md" aria-label="Member disclosures">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th miw={170}>Member</Table.Th>
                    <Table.Th miw={170}>Attestation</Table.Th>
                    <Table.Th>Relationships in the past 24 months</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {shown.length === 0 ? (
                    <Table.Tr>
                      <Table.Td colSpan={3}>
                        <Text size="sm" c="dimmed">
                          No members match.
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ) : null}
                  {shown.map((member) => (
                    <Table.Tr key={member.userId} data-testid={`disclosure-${member.userId}`}>
                      <Table.Td>
                        <Text size="sm" fw={600}>
                          {member.name}
                          {member.userId === me.user.id ? (
                            <Text span size="sm" c="dimmed" fw={400}>
                              {' '}
                              (you)
                            </Text>
                          ) : null}
                        </Text>
                        {member.droppedOutCount > 0 ? (
                          <Text size="xs" c="dimmed">
                            {member.droppedOutCount} older relationship
                            {member.droppedOutCount === 1 ? '' : 's'} dropped out
                          </Text>
                        ) : null}
                      </Table.Td>
                      <Table.Td>
                        <Stack gap={2} align="flex-start">
                          <AttestationBadge status={member.status} />
                          {member.attestation ? (
                            <Text size="xs" c="dimmed">
                              {member.attestation.kind === 'none' ? 'None to declare' : 'List complete'} ·{' '}
                              {member.status === 'expired' ? 'expired' : 'until'}{' '}
                              {formatDate(member.attestation.expiresAt)}
                            </Text>
                          ) : null}
                        </Stack>
                      </Table.Td>
                      <Table.Td>
                        {member.relationships.length === 0 ? (
                          <Text size="sm" c="dimmed">
                            None recorded
                          </Text>
                        ) : (
                          <Stack gap="sm">
                            {member.relationships.map((r) => (
                              <Group
                                key={r.id}
                                justify="space-between"
                                align="flex-start"
                                wrap="nowrap"
                                gap="sm"
                              >
                                <div>
                                  <Text size="sm">
                                    <Text span fw={600} size="sm">
                                      {r.company.name}
                                    </Text>{' '}
                                    · {natureText(r)} · {periodText(r)} · amount:{' '}
                                    {amountText(r).toLowerCase()}
                                  </Text>
                                  <MitigationList relationship={r} />
                                </div>
                                {canMitigate && member.userId !== me.user.id ? (
                                  <Button
                                    size="xs"
                                    variant="light"
                                    style={{ flexShrink: 0 }}
                                    onClick={() => setTarget({ member, relationship: r })}
                                    aria-label={`Record mitigation for ${member.name}: ${r.company.name}`}
                                  >
                                    Record mitigation
                                  </Button>
                                ) : null}
                              </Group>
                            ))}
                          </Stack>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Card>
          {canMitigate ? null : (
            <Text size="xs" c="dimmed">
              Editors record mitigation steps; admins can see them here.
            </Text>
          )}
        </Stack>
      )}
      <MitigationModal target={target} onClose={() => setTarget(null)} />
    </>
  )
}
