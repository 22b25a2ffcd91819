import {
  Alert,
  Blockquote,
  Button,
  Card,
  Checkbox,
  Grid,
  Group,
  Modal,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core'
import { useForm } from '@mantine/form'
import { notifications } from '@mantine/notifications'
import { useState } from 'react'
import { Link } from 'react-router'
import { errorMessage, isApiError } from '../api/client.ts'
import {
  useAddRelationship,
  useAttest,
  useDeclareConflict,
  useDeclaredConflicts,
  useMyDisclosures,
  useOrganisationAuthors,
  useRemoveRelationship,
  useUpdateRelationship,
  useWithdrawConflict,
} from '../api/standards.ts'
import type {
  AmountBand,
  AttestationKind,
  ConflictCategory,
  MyDisclosures,
  Nature,
  Profession,
  Relationship,
  RelationshipChange,
  RelationshipInput,
} from '../api/types.ts'
import { formatCalendarDate, formatDate, todayIso } from '../lib/format.ts'
import { applyFieldErrors, focusFirstInvalid } from '../lib/forms.ts'
import {
  amountBandOptions,
  conflictCategoryLabels,
  conflictCategoryOptions,
  natureOptions,
  professionLabels,
} from '../lib/labels.ts'
import { useOrganisation } from '../org/OrganisationContext.tsx'
import { ErrorState, PageLoader, PageTitle } from '../shell/Page.tsx'
import { CompanyField, type CompanyValue, companyRef } from './CompanyField.tsx'
import { AttestationBadge, amountText, MitigationList, natureText, periodText } from './parts.tsx'

// ---- adding and editing a relationship ----

type RelationshipValues = {
  company: CompanyValue
  nature: Nature | null
  natureDetail: string
  startDate: string
  ongoing: boolean
  endDate: string
  amountBand: AmountBand | null
}

function toValues(r: Relationship | null): RelationshipValues {
  return {
    company: r ? { name: r.company.name, id: r.company.id } : { name: '', id: null },
    nature: r?.nature ?? null,
    natureDetail: r?.natureDetail ?? '',
    startDate: r?.startDate ?? '',
    ongoing: r ? r.endDate === null : false,
    endDate: r?.endDate ?? '',
    amountBand: r?.amountBand ?? null,
  }
}

const isoDate = /^\d{4}-\d{2}-\d{2}$/

function announceChange(change: RelationshipChange, verb: string) {
  notifications.show({
    color: 'teal',
    message: `${change.relationship.company.name}: ${verb}.${
      change.attestationSuperseded
        ? ' Your list changed, so attest again to keep your disclosure current.'
        : ''
    }`,
  })
}

function RelationshipForm({
  relationship,
  onDone,
}: {
  relationship: Relationship | null
  onDone: () => void
}) {
  const add = useAddRelationship()
  const update = useUpdateRelationship()
  const [error, setError] = useState<string | null>(null)
  const form = useForm<RelationshipValues>({
    initialValues: toValues(relationship),
    validate: {
      company: (value) =>
        value.name.trim().length >= 2 ? null : 'Choose or type the company (at least 2 characters)',
      nature: (value) => (value ? null : 'Choose what the relationship is'),
      natureDetail: (value, values) =>
        values.nature === 'other' && !value.trim() ? 'Say what the relationship is' : null,
      startDate: (value) => (isoDate.test(value) ? null : 'Enter the date it started'),
      endDate: (value, values) => {
        if (values.ongoing) return null
        if (!isoDate.test(value)) return 'Enter the date it ended, or tick “Ongoing”'
        return value < values.startDate ? 'The end date is before the start date' : null
      },
    },
  })

  const submit = form.onSubmit(async (values) => {
    setError(null)
    const input: RelationshipInput = {
      ...companyRef(values.company),
      nature: values.nature as Nature,
      natureDetail: values.nature === 'other' ? values.natureDetail.trim() : null,
      startDate: values.startDate,
      endDate: values.ongoing ? null : values.endDate,
      amountBand: values.amountBand,
    }
    try {
      if (relationship) {
        const before = toValues(relationship)
        const patch: Partial<RelationshipInput> = {}
        if (values.company.name !== before.company.name || values.company.id !== before.company.id)
          Object.assign(patch, companyRef(values.company))
        if (input.nature !== relationship.nature) patch.nature = input.nature
        if (input.natureDetail !== relationship.natureDetail) patch.natureDetail = input.natureDetail
        if (input.startDate !== relationship.startDate) patch.startDate = input.startDate
        if (input.endDate !== relationship.endDate) patch.endDate = input.endDate
        if (input.amountBand !== relationship.amountBand) patch.amountBand = input.amountBand
        if (Object.keys(patch).length === 0) {
          onDone()
          return
        }
        announceChange(await update.mutateAsync({ id: relationship.id, patch }), 'changed')
      } else {
        announceChange(await add.mutateAsync(input), 'recorded')
      }
      onDone()
    } catch (caught) {
      const placed = applyFieldErrors(form, caught, [
        'nature',
        'natureDetail',
        'startDate',
        'endDate',
        'amountBand',
      ])
      const companyProblem = isApiError(caught)
        ? Object.entries(caught.fieldErrors).find(([path]) => path.startsWith('company'))
        : undefined
      if (companyProblem) form.setFieldError('company', companyProblem[1])
      if (placed || companyProblem) {
        setError('Please correct the highlighted fields.')
        focusFirstInvalid()
      } else setError(errorMessage(caught, 'Could not save the relationship.'))
    }
  }, focusFirstInvalid)

  return (
    <form onSubmit={submit} noValidate aria-label={relationship ? 'Edit relationship' : 'Add a relationship'}>
      <Stack gap="md">
        {error ? (
          <Alert color="red" variant="light">
            {error}
          </Alert>
        ) : null}
        <CompanyField
          required
          autoFocus
          value={form.values.company}
          onChange={(value) => form.setFieldValue('company', value)}
          error={form.errors.company}
        />
        <Select
          label="Nature of the relationship"
          placeholder="Choose one"
          required
          data={natureOptions}
          comboboxProps={{ withinPortal: true }}
          {...form.getInputProps('nature')}
        />
        {form.values.nature === 'other' ? (
          <TextInput
            label="What the relationship is"
            description="In a few words, e.g. “travel grant”."
            required
            maxLength={200}
            {...form.getInputProps('natureDetail')}
          />
        ) : null}
        <Group grow align="flex-start" wrap="wrap">
          <TextInput
            label="Start date"
            type="date"
            required
            max={todayIso()}
            miw={180}
            {...form.getInputProps('startDate')}
          />
          <TextInput
            label="End date"
            type="date"
            disabled={form.values.ongoing}
            required={!form.values.ongoing}
            miw={180}
            {...form.getInputProps('endDate')}
          />
        </Group>
        <Checkbox
          label="Ongoing (it has not ended)"
          {...form.getInputProps('ongoing', { type: 'checkbox' })}
        />
        <Select
          label="Amount received (optional)"
          description="Total over the 24 months, in the currency you were paid in. Only you and your organisation's editors and admins see it; it is never public."
          placeholder="Not given"
          clearable
          data={amountBandOptions}
          comboboxProps={{ withinPortal: true }}
          {...form.getInputProps('amountBand')}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={add.isPending || update.isPending}>
            {relationship ? 'Save changes' : 'Add relationship'}
          </Button>
        </Group>
      </Stack>
    </form>
  )
}

// ---- the register ----

function Register({ data }: { data: MyDisclosures }) {
  const [editing, setEditing] = useState<Relationship | 'new' | null>(null)
  const [removing, setRemoving] = useState<Relationship | null>(null)
  const remove = useRemoveRelationship()

  const confirmRemove = async () => {
    if (!removing) return
    try {
      await remove.mutateAsync(removing.id)
      notifications.show({
        message: `${removing.company.name} was removed from your register. Attest again to keep your disclosure current.`,
      })
    } catch (error) {
      notifications.show({ color: 'red', title: 'Not removed', message: errorMessage(error) })
    }
    setRemoving(null)
  }

  return (
    <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="register-heading">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4" id="register-heading">
          Financial relationships
        </Title>
        <Button onClick={() => setEditing('new')}>Add a relationship</Button>
      </Group>
      <Text size="sm" c="dimmed" mb="md">
        Any financial relationship in the past 24 months with a company whose business is producing,
        marketing, selling or distributing health care products (an “ineligible company”), whatever the
        amount.
      </Text>
      {data.relationships.length === 0 ? (
        <Text size="sm" c="dimmed">
          Your register is empty: no relationships recorded in the past 24 months.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={680}>
          <Table verticalSpacing="sm" aria-label="Financial relationships">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Company</Table.Th>
                <Table.Th>Nature</Table.Th>
                <Table.Th>Period</Table.Th>
                <Table.Th>Amount</Table.Th>
                <Table.Th>Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.relationships.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td>
                    <Text size="sm" fw={600}>
                      {r.company.name}
                    </Text>
                    {r.company.parent && r.company.parent !== r.company.name ? (
                      <Text size="xs" c="dimmed">
                        part of {r.company.parent}
                      </Text>
                    ) : null}
                    <MitigationList relationship={r} />
                  </Table.Td>
                  <Table.Td>{natureText(r)}</Table.Td>
                  <Table.Td>{periodText(r)}</Table.Td>
                  <Table.Td>{amountText(r)}</Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Button
                        size="xs"
                        variant="light"
                        onClick={() => setEditing(r)}
                        aria-label={`Edit ${r.company.name}`}
                      >
                        Edit
                      </Button>
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        onClick={() => setRemoving(r)}
                        aria-label={`Remove ${r.company.name}`}
                      >
                        Remove
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Text size="sm" c="dimmed" mt="md" data-testid="dropped-out">
        {data.droppedOutCount > 0
          ? `${data.droppedOutCount} older relationship${data.droppedOutCount === 1 ? '' : 's'} ended before ${formatCalendarDate(data.windowStart)}, more than 24 months ago, and ${data.droppedOutCount === 1 ? 'has' : 'have'} dropped out: ${data.droppedOutCount === 1 ? 'it is' : 'they are'} no longer relevant, not listed here and not in your statement.`
          : `Relationships that ended more than 24 months ago (before ${formatCalendarDate(data.windowStart)}) drop out of the register automatically.`}
      </Text>
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === 'new' ? 'Add a relationship' : `Edit ${editing?.company.name ?? ''}`}
        size="lg"
      >
        {editing ? (
          <RelationshipForm
            key={editing === 'new' ? 'new' : editing.id}
            relationship={editing === 'new' ? null : editing}
            onDone={() => setEditing(null)}
          />
        ) : null}
      </Modal>
      <Modal
        opened={removing !== null}
        onClose={() => setRemoving(null)}
        title={`Remove ${removing?.company.name ?? ''}?`}
      >
        <Stack gap="md">
          <Text size="sm">
            Remove this relationship only if it was recorded by mistake. A relationship that has ended stays
            relevant for 24 months: edit it to give its end date instead.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRemoving(null)} data-autofocus>
              Cancel
            </Button>
            <Button color="red" onClick={confirmRemove} loading={remove.isPending}>
              Remove
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  )
}

// ---- attestation and statement ----

function attestationText(data: MyDisclosures): string {
  const a = data.attestation
  const what = (kind: AttestationKind) =>
    kind === 'none' ? 'that you have no relevant financial relationships' : 'that your list is complete'
  switch (data.status) {
    case 'current':
      return a
        ? `You attested on ${formatDate(a.attestedAt)} ${what(a.kind)}. Renew by ${formatDate(a.expiresAt)}.`
        : 'Your attestation is current.'
    case 'expired':
      return a
        ? `Your attestation of ${formatDate(a.attestedAt)} expired on ${formatDate(a.expiresAt)}. Attestations last 12 months: attest again.`
        : 'Your attestation has expired: attest again.'
    case 'changed':
      return 'Your list changed after you last attested, so that attestation no longer covers it: attest again.'
    default:
      return 'You have not attested yet. Until you do, you cannot submit content for review.'
  }
}

function Attestation({ data }: { data: MyDisclosures }) {
  const attest = useAttest()
  const [error, setError] = useState<string | null>(null)
  const kind: AttestationKind = data.relationships.length === 0 ? 'none' : 'complete'
  const label = kind === 'none' ? 'I have no relevant financial relationships' : 'My list is complete'
  return (
    <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="attestation-heading">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4" id="attestation-heading">
          Attestation
        </Title>
        <AttestationBadge status={data.status} />
      </Group>
      <Stack gap="sm" align="flex-start">
        <Text size="sm" data-testid="attestation-status">
          {attestationText(data)}
        </Text>
        {error ? (
          <Alert color="red" variant="light" w="100%">
            {error}
          </Alert>
        ) : null}
        <Text size="xs" c="dimmed">
          {kind === 'none'
            ? 'Your register is empty. Attest that you have had no financial relationship with an ineligible company in the past 24 months.'
            : `Attest that the ${data.relationships.length} relationship${data.relationships.length === 1 ? '' : 's'} above ${data.relationships.length === 1 ? 'is' : 'are'} all you have had in the past 24 months.`}
        </Text>
        <Button
          variant={data.status === 'current' ? 'default' : 'filled'}
          loading={attest.isPending}
          onClick={async () => {
            setError(null)
            try {
              const { attestation } = await attest.mutateAsync(kind)
              notifications.show({
                color: 'teal',
                message: `Attested. Your disclosure is current until ${formatDate(attestation.expiresAt)}.`,
              })
            } catch (caught) {
              setError(errorMessage(caught, 'Could not record your attestation.'))
            }
          }}
        >
          {label}
        </Button>
      </Stack>
    </Card>
  )
}

function Statement({ data }: { data: MyDisclosures }) {
  return (
    <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="statement-heading">
      <Title order={2} size="h4" id="statement-heading" mb="xs">
        Your disclosure statement
      </Title>
      <Blockquote p="sm" data-testid="disclosure-statement">
        {data.statement}
      </Blockquote>
      <Text size="xs" c="dimmed" mt="sm">
        {data.status === 'current'
          ? 'Readers see this with everything you publish, on your author card.'
          : 'Generated from your register. Readers see it on your author card only while your attestation is current.'}
      </Text>
    </Card>
  )
}

// ---- declared conflicts (reviewers) ----

function DeclaredConflicts() {
  const { organisation } = useOrganisation()
  const slug = organisation?.slug ?? ''
  const conflicts = useDeclaredConflicts()
  const declare = useDeclareConflict()
  const withdraw = useWithdrawConflict()
  const authors = useOrganisationAuthors(slug)
  const [error, setError] = useState<string | null>(null)
  const form = useForm<{
    company: CompanyValue
    authorId: string | null
    category: ConflictCategory | null
    reason: string
  }>({
    initialValues: { company: { name: '', id: null }, authorId: null, category: null, reason: '' },
    validate: {
      category: (value, values) => (values.authorId && !value ? 'Say what kind of conflict it is' : null),
      reason: (value, values) =>
        (!values.authorId || values.category === 'other') && value.trim().length < 5
          ? 'Say why (at least 5 characters)'
          : null,
      company: (value, values) =>
        !value.name.trim() && !values.authorId
          ? 'Name an author, a company, or both'
          : value.name.trim() && value.name.trim().length < 2
            ? 'At least 2 characters'
            : null,
    },
  })
  const submit = form.onSubmit(async (values) => {
    setError(null)
    try {
      await declare.mutateAsync({
        ...(values.company.name.trim() ? companyRef(values.company) : {}),
        ...(values.authorId ? { authorId: values.authorId, organisation: slug } : {}),
        ...(values.category ? { category: values.category } : {}),
        ...(values.reason.trim() ? { reason: values.reason.trim() } : {}),
      })
      notifications.show({
        color: 'teal',
        message: 'Conflict declared. You will not be asked to review those items.',
      })
      form.reset()
    } catch (caught) {
      if (applyFieldErrors(form, caught, ['reason', 'category', 'authorId'])) focusFirstInvalid()
      else setError(errorMessage(caught, 'Could not declare the conflict.'))
    }
  }, focusFirstInvalid)
  const authorOptions = (authors.data?.authors ?? []).map((a) => ({
    value: a.id,
    label: a.profession
      ? `${a.name} (${professionLabels[a.profession as Profession] ?? a.profession})`
      : a.name,
  }))
  const noteRequired = !form.values.authorId || form.values.category === 'other'

  return (
    <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="conflicts-heading">
      <Title order={2} size="h4" id="conflicts-heading" mb="xs">
        Conflicts you declare as a reviewer
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Besides your own financial relationships, declare anything else that means you should not review an
        author’s work or items about a company: a family tie, supervising them, money between you, a rivalry.
        You will not be assigned their items; the author is not told.
      </Text>
      {conflicts.isPending ? (
        <PageLoader label="Loading declared conflicts" />
      ) : conflicts.isError ? (
        <ErrorState error={conflicts.error} onRetry={() => conflicts.refetch()} />
      ) : conflicts.data.conflicts.length === 0 ? (
        <Text size="sm" c="dimmed" mb="md">
          You have not declared any conflicts.
        </Text>
      ) : (
        <Stack gap="xs" mb="md" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {conflicts.data.conflicts.map((c) => (
            <li key={c.id}>
              <Group justify="space-between" wrap="nowrap" align="flex-start">
                <div>
                  <Text size="sm" fw={600}>
                    {[c.author?.name, c.company?.name].filter(Boolean).join(' · ') || 'Conflict'}
                  </Text>
                  {c.category ? (
                    <Text size="sm" c="dimmed">
                      {conflictCategoryLabels[c.category]}
                    </Text>
                  ) : null}
                  {c.reason ? <Text size="sm">{c.reason}</Text> : null}
                  <Text size="xs" c="dimmed">
                    Declared {formatDate(c.declaredAt)}
                  </Text>
                </div>
                <Button
                  size="xs"
                  variant="subtle"
                  color="red"
                  loading={withdraw.isPending && withdraw.variables === c.id}
                  onClick={() =>
                    withdraw.mutate(c.id, {
                      onError: (e) =>
                        notifications.show({
                          color: 'red',
                          title: 'Not withdrawn',
                          message: errorMessage(e),
                        }),
                    })
                  }
                  aria-label={`Withdraw the conflict with ${[c.author?.name, c.company?.name].filter(Boolean).join(' and ') || 'this author'}`}
                >
                  Withdraw
                </Button>
              </Group>
            </li>
          ))}
        </Stack>
      )}
      <form onSubmit={submit} noValidate aria-label="Declare a conflict">
        <Stack gap="sm">
          {error ? (
            <Alert color="red" variant="light">
              {error}
            </Alert>
          ) : null}
          <Group grow align="flex-start" wrap="wrap">
            <Select
              label="Author"
              description="An author of this organisation whose work you should not review."
              placeholder={authors.isPending ? 'Loading authors…' : 'Choose an author'}
              clearable
              searchable
              nothingFoundMessage="No author by that name"
              data={authorOptions}
              comboboxProps={{ withinPortal: true }}
              {...form.getInputProps('authorId')}
            />
            <Select
              label="Kind of conflict"
              placeholder="Choose one"
              data={conflictCategoryOptions}
              disabled={!form.values.authorId}
              required={!!form.values.authorId}
              comboboxProps={{ withinPortal: true }}
              {...form.getInputProps('category')}
            />
          </Group>
          <CompanyField
            label="Company"
            description="Optional if you name an author."
            value={form.values.company}
            onChange={(value) => form.setFieldValue('company', value)}
            error={form.errors.company}
          />
          <Textarea
            label={noteRequired ? 'Reason' : 'Note (optional)'}
            description="Seen by you and the editors who assign reviewers; never by the author."
            required={noteRequired}
            autosize
            minRows={2}
            maxLength={500}
            {...form.getInputProps('reason')}
          />
          <Group justify="flex-end">
            <Button type="submit" variant="light" loading={declare.isPending}>
              Declare conflict
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  )
}

export function DisclosuresPage() {
  const { can } = useOrganisation()
  const disclosures = useMyDisclosures()
  return (
    <>
      <PageTitle
        description="Your financial relationships with ineligible companies in the past 24 months, and your attestation that the list is complete, renewed every 12 months (ACCME Standard 3; GMC and FSMB guidance on conflicts of interest)."
        actions={
          can('members.read') ? (
            <Button component={Link} to="/disclosures/organisation" variant="default">
              Organisation disclosures
            </Button>
          ) : undefined
        }
      >
        Disclosures
      </PageTitle>
      {disclosures.isPending ? (
        <PageLoader label="Loading your register" />
      ) : disclosures.isError ? (
        <ErrorState error={disclosures.error} onRetry={() => disclosures.refetch()} />
      ) : (
        <Grid gap="lg">
          <Grid.Col span={{ base: 12, lg: 7 }}>
            <Register data={disclosures.data} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 5 }}>
            <Stack gap="lg">
              <Attestation data={disclosures.data} />
              <Statement data={disclosures.data} />
            </Stack>
          </Grid.Col>
          <Grid.Col span={12}>
            <DeclaredConflicts />
          </Grid.Col>
        </Grid>
      )}
    </>
  )
}
