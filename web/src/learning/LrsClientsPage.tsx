import {
  Alert,
  Badge,
  Button,
  Card,
  Code,
  CopyButton,
  Group,
  PasswordInput,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import { useState } from 'react'
import { errorMessage, isApiError } from '../api/client.ts'
import {
  type LrsClientCreated,
  useCreateLrsClient,
  useForwarding,
  useLrsClients,
  useRemoveForwarding,
  useRevokeLrsClient,
  useSetForwarding,
} from '../api/lrs.ts'
import { formatDateTime } from '../lib/format.ts'
import { useCurrentOrganisation } from '../org/OrganisationContext.tsx'
import { ErrorState, PageLoader, PageTitle } from '../shell/Page.tsx'

/**
 * Admins: credentials with which the organisation's own tools (an LMS, a learning analytics
 * platform) read and write its xAPI statements at /xapi/, and the external LRS every
 * statement is forwarded to.
 */
export function LrsClientsPage() {
  return (
    <>
      <PageTitle description="Rounds records learning as xAPI statements in its own Learning Record Store. Give your tools credentials to it, or forward every statement to your institution's LRS.">
        Learning records
      </PageTitle>
      <Stack gap="lg" maw={900}>
        <ClientsSection />
        <ForwardingSection />
      </Stack>
    </>
  )
}

function ClientsSection() {
  const { organisation } = useCurrentOrganisation()
  const clients = useLrsClients(organisation.slug)
  const create = useCreateLrsClient(organisation.slug)
  const revoke = useRevokeLrsClient(organisation.slug)
  const [name, setName] = useState('')
  const [created, setCreated] = useState<LrsClientCreated | null>(null)
  const nameError = isApiError(create.error) ? errorMessage(create.error) : undefined
  return (
    <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="lrs-clients-heading">
      <Title order={2} size="h4" id="lrs-clients-heading" mb="xs">
        LRS clients
      </Title>
      {clients.isPending ? (
        <PageLoader />
      ) : clients.isError ? (
        <ErrorState error={clients.error} onRetry={() => clients.refetch()} />
      ) : (
        <Stack gap="md">
          <Text size="sm">
            Endpoint: <Code>{clients.data.endpoint}</Code> (xAPI 1.0.3 and 2.0, HTTP Basic with a client’s key
            and secret).
          </Text>
          <form
            onSubmit={(e) => {
              e.preventDefault()
              create.mutate(name, {
                onSuccess: (r) => {
                  setCreated(r)
                  setName('')
                },
              })
            }}
          >
            <Group align="flex-end">
              <TextInput
                label="New client"
                description="What will use it, e.g. “Moodle” or “Research dashboard”"
                value={name}
                onChange={(e) => setName(e.currentTarget.value)}
                error={nameError}
                required
                maxLength={100}
              />
              <Button type="submit" loading={create.isPending}>
                Create credentials
              </Button>
            </Group>
          </form>
          {created ? (
            <Alert
              color="green"
              variant="light"
              role="status"
              title={`Credentials for ${created.client.name}`}
            >
              <Stack gap={6}>
                <Text size="sm">
                  Copy the secret now: Rounds keeps only a hash of it and cannot show it again.
                </Text>
                <Secret label="Key" value={created.key} />
                <Secret label="Secret" value={created.secret} />
                <Secret label="Endpoint" value={created.endpoint} />
                <Group>
                  <Button size="xs" variant="default" onClick={() => setCreated(null)}>
                    I have copied it
                  </Button>
                </Group>
              </Stack>
            </Alert>
          ) : null}
          {clients.data.clients.length === 0 ? (
            <Text size="sm" c="dimmed">
              No clients yet.
            </Text>
          ) : (
            <Table aria-label="LRS clients">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Key</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th>Last used</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {clients.data.clients.map((c) => (
                  <Table.Tr key={c.id}>
                    <Table.Td>{c.name}</Table.Td>
                    <Table.Td>
                      <Code>{c.key}</Code>
                    </Table.Td>
                    <Table.Td>{formatDateTime(c.createdAt)}</Table.Td>
                    <Table.Td>{c.lastUsedAt ? formatDateTime(c.lastUsedAt) : 'Never'}</Table.Td>
                    <Table.Td>
                      {c.revokedAt ? (
                        <Badge color="gray" variant="light">
                          Revoked {formatDateTime(c.revokedAt)}
                        </Badge>
                      ) : (
                        <Button
                          size="xs"
                          variant="default"
                          color="red"
                          loading={revoke.isPending && revoke.variables === c.id}
                          onClick={() => {
                            if (window.confirm(`Revoke ${c.name}? Its credentials stop working at once.`))
                              revoke.mutate(c.id)
                          }}
                        >
                          Revoke
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          {revoke.isError ? (
            <Text size="sm" c="red" role="alert">
              {errorMessage(revoke.error)}
            </Text>
          ) : null}
        </Stack>
      )}
    </Card>
  )
}

function Secret({ label, value }: { label: string; value: string }) {
  return (
    <Group gap="xs" wrap="nowrap">
      <Text size="sm" w={70}>
        {label}
      </Text>
      <Code style={{ wordBreak: 'break-all' }}>{value}</Code>
      <CopyButton value={value}>
        {({ copied, copy }) => (
          <Button
            size="compact-xs"
            variant="subtle"
            onClick={copy}
            aria-label={`Copy the ${label.toLowerCase()}`}
          >
            {copied ? 'Copied' : 'Copy'}
          </Button>
        )}
      </CopyButton>
    </Group>
  )
}

function ForwardingSection() {
  const { organisation } = useCurrentOrganisation()
  const forwarding = useForwarding(organisation.slug)
  const save = useSetForwarding(organisation.slug)
  const remove = useRemoveForwarding(organisation.slug)
  const [endpoint, setEndpoint] = useState('')
  const [username, setUsername] = useState('')
  const [secret, setSecret] = useState('')
  const [version, setVersion] = useState<'1.0.3' | '2.0.0'>('1.0.3')
  const fieldErrors = isApiError(save.error) ? save.error.fieldErrors : {}
  const current = forwarding.data?.forwarding ?? null
  return (
    <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="lrs-forwarding-heading">
      <Title order={2} size="h4" id="lrs-forwarding-heading" mb="xs">
        Forward to an external LRS
      </Title>
      {forwarding.isPending ? (
        <PageLoader />
      ) : forwarding.isError ? (
        <ErrorState error={forwarding.error} onRetry={() => forwarding.refetch()} />
      ) : (
        <Stack gap="sm">
          {current ? (
            <Stack gap={4}>
              <Text size="sm">
                Every statement is forwarded to <Code>{current.endpoint}</Code> as{' '}
                <Code>{current.username}</Code> (xAPI {current.version}), set{' '}
                {formatDateTime(current.updatedAt)}.
              </Text>
              <Text size="sm" c={current.pending > 0 ? undefined : 'dimmed'}>
                {current.pending === 0
                  ? 'Nothing waiting: the external LRS has every statement.'
                  : `${current.pending} statement${current.pending === 1 ? '' : 's'} waiting${current.oldestPendingAt ? ` since ${formatDateTime(current.oldestPendingAt)}` : ''}; Rounds keeps trying.`}
              </Text>
              {current.lastError ? (
                <Alert color="orange" variant="light" role="alert">
                  Last attempt: {current.lastError}
                </Alert>
              ) : null}
              <Group>
                <Button
                  size="xs"
                  variant="default"
                  loading={remove.isPending}
                  onClick={() => {
                    if (window.confirm('Stop forwarding? Statements not yet sent stay only in Rounds.'))
                      remove.mutate()
                  }}
                >
                  Stop forwarding
                </Button>
              </Group>
            </Stack>
          ) : (
            <Text size="sm" c="dimmed">
              Not forwarding. Statements stay in Rounds’ own LRS.
            </Text>
          )}
          <form
            onSubmit={(e) => {
              e.preventDefault()
              save.mutate(
                { endpoint, username, secret, version },
                {
                  onSuccess: () => {
                    setSecret('')
                  },
                },
              )
            }}
          >
            <Stack gap="xs" maw={520}>
              <TextInput
                label="Endpoint"
                placeholder="https://lrs.example.org/xapi/"
                value={endpoint}
                onChange={(e) => setEndpoint(e.currentTarget.value)}
                error={fieldErrors.endpoint}
                required
              />
              <TextInput
                label="Key (user name)"
                value={username}
                onChange={(e) => setUsername(e.currentTarget.value)}
                error={fieldErrors.username}
                required
              />
              <PasswordInput
                label="Secret"
                description="Stored encrypted; never shown again"
                value={secret}
                onChange={(e) => setSecret(e.currentTarget.value)}
                error={fieldErrors.secret}
                required
              />
              <Select
                label="xAPI version"
                data={['1.0.3', '2.0.0']}
                value={version}
                onChange={(v) => setVersion(v === '2.0.0' ? '2.0.0' : '1.0.3')}
                allowDeselect={false}
              />
              <Group>
                <Button type="submit" loading={save.isPending}>
                  {current ? 'Replace the external LRS' : 'Start forwarding'}
                </Button>
              </Group>
              {save.isError && Object.keys(fieldErrors).length === 0 ? (
                <Text size="sm" c="red" role="alert">
                  {errorMessage(save.error)}
                </Text>
              ) : null}
            </Stack>
          </form>
        </Stack>
      )}
    </Card>
  )
}
