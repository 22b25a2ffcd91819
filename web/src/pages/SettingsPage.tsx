import { Button, Card, Code, Group, Stack, Table, Text, Title } from '@mantine/core'
import { Link } from 'react-router'
import { useScreeningPolicy } from '../api/queries.ts'
import { packIds } from '../api/types.ts'
import { formatDate } from '../lib/format.ts'
import { useCurrentOrganisation } from '../org/OrganisationContext.tsx'
import { ErrorState, PageTitle } from '../shell/Page.tsx'

function ScreeningPolicySummary({ slug }: { slug: string }) {
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
          Edit the screening policy
        </Button>
      </Stack>
    </Card>
  )
}

export function SettingsPage() {
  const { organisation } = useCurrentOrganisation()
  return (
    <>
      <PageTitle description="Your organisation’s details and how its drafts are screened.">
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
        <ScreeningPolicySummary slug={organisation.slug} />
      </Stack>
    </>
  )
}
