import {
  Alert,
  Button,
  Card,
  Code,
  Group,
  NumberInput,
  Radio,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core'
import { useForm } from '@mantine/form'
import { notifications } from '@mantine/notifications'
import { useState } from 'react'
import { Link } from 'react-router'
import { errorMessage } from '../api/client.ts'
import { useScreeningPolicy } from '../api/queries.ts'
import { useOrganisationSettings, useSaveOrganisationSettings } from '../api/standards.ts'
import { guidanceOptions, type OrganisationSettings, packIds } from '../api/types.ts'
import { formatDate } from '../lib/format.ts'
import { applyFieldErrors, focusFirstInvalid } from '../lib/forms.ts'
import { guidanceLabels } from '../lib/labels.ts'
import { useCurrentOrganisation } from '../org/OrganisationContext.tsx'
import { ErrorState, PageLoader, PageTitle } from '../shell/Page.tsx'

const policyFields = [
  'guidance',
  'trainingValidityMonths',
  'reviewersRequired',
  'approvalExpiryMonths',
] as const

const policyRows: {
  key: (typeof policyFields)[number]
  label: string
  show: (s: OrganisationSettings) => string
}[] = [
  { key: 'guidance', label: 'Guidance followed', show: (s) => guidanceLabels[s.guidance] },
  {
    key: 'trainingValidityMonths',
    label: 'Training validity',
    show: (s) => `${s.trainingValidityMonths} months`,
  },
  { key: 'reviewersRequired', label: 'Reviewers required', show: (s) => String(s.reviewersRequired) },
  { key: 'approvalExpiryMonths', label: 'Approval expiry', show: (s) => `${s.approvalExpiryMonths} months` },
]

function inRange(min: number, max: number, what: string) {
  return (value: number | string) =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
      ? null
      : `Enter ${what} from ${min} to ${max}`
}

function PolicyForm({ slug, settings }: { slug: string; settings: OrganisationSettings }) {
  const save = useSaveOrganisationSettings(slug)
  const [error, setError] = useState<string | null>(null)
  const form = useForm<OrganisationSettings>({
    initialValues: settings,
    validate: {
      trainingValidityMonths: inRange(1, 60, 'a number of months'),
      reviewersRequired: inRange(1, 5, 'a number of reviewers'),
      approvalExpiryMonths: inRange(1, 60, 'a number of months'),
    },
  })
  const submit = form.onSubmit(async (values) => {
    setError(null)
    const patch = Object.fromEntries(
      policyFields.filter((key) => values[key] !== settings[key]).map((key) => [key, values[key]]),
    ) as Partial<OrganisationSettings>
    try {
      const saved = await save.mutateAsync(patch)
      form.setInitialValues(saved)
      form.setValues(saved)
      notifications.show({ color: 'teal', message: 'The organisation policy has been saved.' })
    } catch (caught) {
      if (applyFieldErrors(form, caught, policyFields)) {
        setError('Please correct the highlighted fields.')
        focusFirstInvalid()
      } else setError(errorMessage(caught, 'Could not save the policy.'))
    }
  }, focusFirstInvalid)
  return (
    <form onSubmit={submit} noValidate aria-label="Organisation policy">
      <Stack gap="md">
        {error ? (
          <Alert color="red" variant="light">
            {error}
          </Alert>
        ) : null}
        <Radio.Group
          label="Guidance followed"
          description="Which regulators' guidance the training and screening follow."
          {...form.getInputProps('guidance')}
        >
          <Stack gap="xs" mt="xs">
            {guidanceOptions.map((value) => (
              <Radio key={value} value={value} label={guidanceLabels[value]} />
            ))}
          </Stack>
        </Radio.Group>
        <NumberInput
          label="Training validity (months)"
          description="How long a training certificate lasts. Certificates already issued keep their dates."
          min={1}
          max={60}
          allowDecimal={false}
          allowNegative={false}
          maw={280}
          {...form.getInputProps('trainingValidityMonths')}
        />
        <NumberInput
          label="Reviewers required"
          description="Independent peer reviews each item needs before it can be approved."
          min={1}
          max={5}
          allowDecimal={false}
          allowNegative={false}
          maw={280}
          {...form.getInputProps('reviewersRequired')}
        />
        <NumberInput
          label="Approval expiry (months)"
          description="After this long an approved item must be reviewed again before it is published."
          min={1}
          max={60}
          allowDecimal={false}
          allowNegative={false}
          maw={280}
          {...form.getInputProps('approvalExpiryMonths')}
        />
        <Group justify="flex-end">
          <Button variant="default" disabled={!form.isDirty()} onClick={() => form.reset()}>
            Discard changes
          </Button>
          <Button type="submit" loading={save.isPending} disabled={!form.isDirty()}>
            Save policy
          </Button>
        </Group>
      </Stack>
    </form>
  )
}

function PolicySection({ slug, canEdit }: { slug: string; canEdit: boolean }) {
  const settings = useOrganisationSettings(slug)
  return (
    <Card withBorder padding="lg" radius="md" maw={640} component="section" aria-labelledby="policy-heading">
      <Title order={2} size="h4" id="policy-heading" mb="xs">
        Organisation policy
      </Title>
      {settings.isPending ? (
        <PageLoader label="Loading the policy" />
      ) : settings.isError ? (
        <ErrorState error={settings.error} onRetry={() => settings.refetch()} />
      ) : canEdit ? (
        <PolicyForm key={JSON.stringify(settings.data)} slug={slug} settings={settings.data} />
      ) : (
        <Stack gap="xs">
          <Text size="sm" c="dimmed">
            Only admins can change the policy.
          </Text>
          <Table variant="vertical" layout="fixed" withTableBorder={false} aria-label="Organisation policy">
            <Table.Tbody>
              {policyRows.map((row) => (
                <Table.Tr key={row.key}>
                  <Table.Th w={180}>{row.label}</Table.Th>
                  <Table.Td>{row.show(settings.data)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      )}
    </Card>
  )
}

function TrainingContentSummary() {
  return (
    <Card
      withBorder
      padding="lg"
      radius="md"
      maw={640}
      component="section"
      aria-labelledby="training-heading"
    >
      <Title order={2} size="h4" id="training-heading" mb="xs">
        Training
      </Title>
      <Stack gap="sm" align="flex-start">
        <Text size="sm" c="dimmed">
          Add lessons and assessment questions of your own beside the built-in ones, withdraw them, and see
          every certificate your organisation has issued.
        </Text>
        <Button component={Link} to="/settings/training" variant="light">
          Manage training
        </Button>
      </Stack>
    </Card>
  )
}

function LearningRecordsSummary() {
  return (
    <Card
      withBorder
      padding="lg"
      radius="md"
      maw={640}
      component="section"
      aria-labelledby="learning-records-heading"
    >
      <Title order={2} size="h4" id="learning-records-heading" mb="xs">
        Learning records
      </Title>
      <Stack gap="sm" align="flex-start">
        <Text size="sm" c="dimmed">
          Credentials for your tools to read and write xAPI statements in Rounds’ Learning Record Store, and
          forwarding of every statement to your institution’s LRS.
        </Text>
        <Button component={Link} to="/settings/learning-records" variant="light">
          Manage learning records
        </Button>
      </Stack>
    </Card>
  )
}

function ScreeningPolicySummary({ slug, canEdit }: { slug: string; canEdit: boolean }) {
  const policy = useScreeningPolicy(slug)
  const latest = policy.data?.history[0]
  return (
    <Card
      withBorder
      padding="lg"
      radius="md"
      maw={640}
      component="section"
      aria-labelledby="screening-heading"
    >
      <Title order={2} size="h4" id="screening-heading" mb="xs">
        Screening policy
      </Title>
      <Stack gap="sm" align="flex-start">
        <Text size="sm" c="dimmed">
          Which screening rules run on your drafts, how serious each finding is, names to ignore, extra brands
          and the list of retracted papers.
        </Text>
        {policy.isError ? (
          <ErrorState error={policy.error} onRetry={() => policy.refetch()} />
        ) : policy.data ? (
          <Text size="sm">
            Current version <Code>{policy.data.version}</Code>
            {latest ? ` · saved ${formatDate(latest.createdAt)}` : ' · the built-in default'}
            {` · ${policy.data.policy.packs.length} of ${packIds.length} packs on`}
          </Text>
        ) : null}
        <Button component={Link} to="/settings/screening" variant="light">
          {canEdit ? 'Edit the screening policy' : 'View the screening policy'}
        </Button>
      </Stack>
    </Card>
  )
}

export function SettingsPage() {
  const { organisation, can } = useCurrentOrganisation()
  const canEdit = can('organisation.manage')
  return (
    <>
      <PageTitle
        description={
          canEdit
            ? 'Your organisation’s details, its policy and how its drafts are screened.'
            : 'The policy you work under in this organisation. Only admins can change it.'
        }
      >
        Settings
      </PageTitle>
      <Stack gap="lg">
        <Card
          withBorder
          padding="lg"
          radius="md"
          maw={640}
          component="section"
          aria-labelledby="details-heading"
        >
          <Group justify="space-between" mb="xs">
            <Title order={2} size="h4" id="details-heading">
              Organisation
            </Title>
          </Group>
          <Table variant="vertical" layout="fixed" withTableBorder={false} aria-label="Organisation details">
            <Table.Tbody>
              <Table.Tr>
                <Table.Th w={140}>Name</Table.Th>
                <Table.Td>{organisation.name}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>URL name</Table.Th>
                <Table.Td>
                  <Code>{organisation.slug}</Code>
                </Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
        </Card>
        <PolicySection slug={organisation.slug} canEdit={canEdit} />
        {canEdit ? <TrainingContentSummary /> : null}
        {canEdit ? <LearningRecordsSummary /> : null}
        <ScreeningPolicySummary slug={organisation.slug} canEdit={canEdit} />
      </Stack>
    </>
  )
}
