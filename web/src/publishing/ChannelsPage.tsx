import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  PasswordInput,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import { useEffect, useId, useState } from 'react'
import { Link, useParams, useSearchParams } from 'react-router'
import { errorMessage, isApiError } from '../api/client.ts'
import {
  type ChannelId,
  type ChannelOption,
  useChannels,
  useCompleteOAuth,
  useConnectChannel,
  useDisconnectChannel,
  useStartOAuth,
} from '../api/publishing.ts'
import { formatDateTime } from '../lib/format.ts'
import { useCurrentOrganisation } from '../org/OrganisationContext.tsx'
import { ErrorState, PageLoader, PageTitle } from '../shell/Page.tsx'

const statusColor = { connected: 'green', needs_reauth: 'orange', disconnected: 'gray' } as const
const statusLabel = {
  connected: 'Connected',
  needs_reauth: 'Connect again',
  disconnected: 'Disconnected',
} as const

/** Editors and admins: the channels the organisation publishes to, and connecting its accounts. */
export function ChannelsPage() {
  const { organisation, can } = useCurrentOrganisation()
  const allowed = can('publishing.manage') || can('organisation.manage')
  const channels = useChannels(organisation.slug, allowed)
  if (!allowed)
    return (
      <>
        <PageTitle>Channels</PageTitle>
        <Alert color="blue" variant="light">
          Editors and admins connect the organisation’s channels.
        </Alert>
      </>
    )
  return (
    <>
      <PageTitle description="Where approved items are published. Tokens are stored encrypted and never shown again.">
        Channels
      </PageTitle>
      {channels.isPending ? (
        <PageLoader />
      ) : channels.isError ? (
        <ErrorState error={channels.error} />
      ) : (
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
          {channels.data.channels.map((c) => (
            <ChannelCard key={c.channel} option={c} />
          ))}
        </SimpleGrid>
      )}
    </>
  )
}

function ChannelCard({ option }: { option: ChannelOption }) {
  const { organisation } = useCurrentOrganisation()
  const headingId = useId()
  const disconnect = useDisconnectChannel(organisation.slug)
  const account = option.account
  const connected = account && account.status !== 'disconnected'
  return (
    <Card withBorder radius="md" padding="md" component="section" aria-labelledby={headingId}>
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4" id={headingId}>
          {option.label}
        </Title>
        {option.connection === 'none' ? (
          <Badge color="green" variant="light">
            Ready
          </Badge>
        ) : account ? (
          <Badge color={statusColor[account.status]} variant="light">
            {statusLabel[account.status]}
          </Badge>
        ) : (
          <Badge color="gray" variant="light">
            Not connected
          </Badge>
        )}
      </Group>
      <Stack gap="xs">
        <Text size="sm" c="dimmed">
          {[
            option.capabilities.maxLength
              ? `${option.capabilities.maxLength} characters a post`
              : 'No length limit',
            option.capabilities.threads ? 'threads' : 'no threads',
            option.capabilities.delete ? 'posts can be withdrawn' : 'posts are removed by hand',
          ].join(' · ')}
        </Text>
        {option.connection === 'none' ? (
          <Text size="sm">Nothing to connect: Rounds publishes this channel itself.</Text>
        ) : null}
        {option.channel === 'fediverse' ? (
          <Anchor component={Link} to="/publishing/fediverse" size="sm">
            Followers, follows and received posts
          </Anchor>
        ) : null}
        {connected ? (
          <Stack gap={4}>
            <Text size="sm">
              <strong>{account.name}</strong> on {account.serviceUrl}
            </Text>
            <Text size="sm" c="dimmed">
              Connected {formatDateTime(account.connectedAt)}
              {account.connectedBy ? ` by ${account.connectedBy.name}` : ''}
              {account.expiresAt ? ` · access renews before ${formatDateTime(account.expiresAt)}` : ''}
            </Text>
            {account.lastError ? (
              <Alert color="orange" variant="light" role="alert">
                {account.lastError}
              </Alert>
            ) : null}
            <Group gap="xs">
              <Button
                variant="default"
                size="xs"
                loading={disconnect.isPending}
                onClick={() => disconnect.mutate(option.channel)}
              >
                Disconnect
              </Button>
            </Group>
          </Stack>
        ) : null}
        {option.connection !== 'none' && (!connected || account?.status === 'needs_reauth') ? (
          option.available ? (
            <ConnectForm option={option} />
          ) : (
            <Text size="sm" c="dimmed">
              {option.unavailableReason}
            </Text>
          )
        ) : null}
        {disconnect.isError ? (
          <Text size="sm" c="red" role="alert">
            {errorMessage(disconnect.error)}
          </Text>
        ) : null}
      </Stack>
    </Card>
  )
}

function ConnectForm({ option }: { option: ChannelOption }) {
  const { organisation } = useCurrentOrganisation()
  const connect = useConnectChannel(organisation.slug)
  const start = useStartOAuth(organisation.slug)
  const [serviceUrl, setServiceUrl] = useState('')
  const [secret, setSecret] = useState('')
  const [identifier, setIdentifier] = useState('')
  const fieldErrors = isApiError(connect.error) ? connect.error.fieldErrors : {}
  if (option.connection === 'oauth2')
    return (
      <Stack gap={4}>
        <Button
          size="xs"
          loading={start.isPending}
          onClick={() =>
            start.mutate(option.channel, {
              onSuccess: (r) => {
                window.location.assign(r.authorizeUrl)
              },
            })
          }
        >
          Connect with {option.label}
        </Button>
        {start.isError ? (
          <Text size="sm" c="red" role="alert">
            {errorMessage(start.error)}
          </Text>
        ) : null}
      </Stack>
    )
  const onSubmit = (event: React.FormEvent) => {
    event.preventDefault()
    const body =
      option.connection === 'server-token'
        ? ({ method: 'server-token', serviceUrl, accessToken: secret } as const)
        : ({
            method: 'app-password',
            identifier,
            password: secret,
            ...(serviceUrl ? { serviceUrl } : {}),
          } as const)
    connect.mutate({ channel: option.channel, body }, { onSuccess: () => setSecret('') })
  }
  return (
    <Stack component="form" gap="xs" onSubmit={onSubmit} aria-label={`Connect ${option.label}`}>
      {option.connection === 'app-password' ? (
        <TextInput
          label="Handle"
          placeholder="yourteam.bsky.social"
          value={identifier}
          onChange={(e) => setIdentifier(e.currentTarget.value)}
          error={fieldErrors.identifier}
          required
        />
      ) : null}
      <TextInput
        label={option.connection === 'server-token' ? 'Server address' : 'Server (optional)'}
        placeholder={option.connection === 'server-token' ? 'https://mastodon.social' : 'https://bsky.social'}
        value={serviceUrl}
        onChange={(e) => setServiceUrl(e.currentTarget.value)}
        error={fieldErrors.serviceUrl}
        required={option.connection === 'server-token'}
      />
      <PasswordInput
        label={option.connection === 'server-token' ? 'Access token' : 'App password'}
        description={
          option.connection === 'server-token'
            ? 'Preferences → Development → New application, with the write:statuses and write:media scopes.'
            : 'Settings → Privacy and security → App passwords. Never your main password.'
        }
        value={secret}
        onChange={(e) => setSecret(e.currentTarget.value)}
        error={fieldErrors.accessToken ?? fieldErrors.password}
        autoComplete="off"
        required
      />
      {connect.isError && Object.keys(fieldErrors).length === 0 ? (
        <Text size="sm" c="red" role="alert">
          {errorMessage(connect.error)}
        </Text>
      ) : null}
      <Group>
        <Button type="submit" size="xs" loading={connect.isPending}>
          Connect {option.label}
        </Button>
      </Group>
    </Stack>
  )
}

/** Where the platform sends the editor back after consenting: finishes connecting. */
export function OAuthCallbackPage() {
  const { organisation } = useCurrentOrganisation()
  const { channel } = useParams<{ channel: ChannelId }>()
  const [params] = useSearchParams()
  const complete = useCompleteOAuth(organisation.slug)
  const state = params.get('state') ?? ''
  const code = params.get('code') ?? ''
  const denied = params.get('error')
  const { mutate } = complete
  useEffect(() => {
    if (channel && state && code && !denied) mutate({ channel, state, code })
  }, [channel, state, code, denied, mutate])
  return (
    <>
      <PageTitle>Connecting the account</PageTitle>
      {denied ? (
        <Alert color="orange" role="alert">
          The platform did not grant access ({denied}). Nothing was connected.
        </Alert>
      ) : complete.isError ? (
        <Alert color="red" role="alert">
          {errorMessage(complete.error)}
        </Alert>
      ) : complete.isSuccess ? (
        <Alert color="green" role="status">
          Connected {complete.data.name}.
        </Alert>
      ) : (
        <PageLoader />
      )}
      <Button component="a" href="/publishing" variant="default" mt="md">
        Back to channels
      </Button>
    </>
  )
}
