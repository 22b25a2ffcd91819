import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  Paper,
  Radio,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core'
import { useId, useState } from 'react'
import { errorMessage, isApiError } from '../api/client.ts'
import type { Item } from '../api/content.ts'
import {
  type ChannelId,
  type ChannelPreview,
  type Publication,
  publicationStatusLabels,
  useCancelPublication,
  usePostCorrectionsToChannels,
  usePreview,
  usePublications,
  usePublish,
  useReschedulePublication,
  useRetryPublication,
  useWithdrawEverywhere,
} from '../api/publishing.ts'
import { formatDateTime } from '../lib/format.ts'
import { useCurrentOrganisation } from '../org/OrganisationContext.tsx'

const publishable: readonly Item['state'][] = ['approved', 'scheduled', 'published', 'corrected']
const withPublications: readonly Item['state'][] = [...publishable, 'withdrawn', 'expired']

/**
 * Publishing an approved item: per-channel previews of exactly what will be sent, publish
 * now or at a time, each channel's status with errors in plain words (a post the platform
 * itself holds for its time shows "scheduled on <platform>"), retry, cancel, move to another
 * time, withdraw everywhere, and posting correction notices as replies.
 */
export function PublishPanel({ item }: { item: Item }) {
  const { organisation, can } = useCurrentOrganisation()
  const editor = can('publishing.manage')
  const headingId = useId()
  const publications = usePublications(organisation.slug, item.id, withPublications.includes(item.state))
  const list = publications.data?.publications ?? []
  if (!withPublications.includes(item.state)) return null
  if (!editor && list.length === 0) return null
  return (
    <Card withBorder radius="md" padding="md" component="section" aria-labelledby={headingId}>
      <Title order={2} size="h5" id={headingId} mb="sm">
        Publishing
      </Title>
      <Stack gap="md">
        {publications.isError ? (
          <Text size="sm" c="red" role="alert">
            {errorMessage(publications.error)}
          </Text>
        ) : null}
        {list.length > 0 ? <PublicationList item={item} publications={list} editor={editor} /> : null}
        {editor && publishable.includes(item.state) ? (
          <PublishForm
            item={item}
            taken={list.filter((p) => !['cancelled'].includes(p.status)).map((p) => p.channel)}
          />
        ) : null}
        {editor && item.state === 'corrected' ? <CorrectionsToChannels item={item} /> : null}
        {editor && ['scheduled', 'published', 'corrected', 'approved'].includes(item.state) ? (
          <WithdrawEverywhere item={item} />
        ) : null}
      </Stack>
    </Card>
  )
}

function PublicationList({
  item,
  publications,
  editor,
}: {
  item: Item
  publications: Publication[]
  editor: boolean
}) {
  const { organisation } = useCurrentOrganisation()
  const retry = useRetryPublication(organisation.slug, item.id)
  const cancel = useCancelPublication(organisation.slug, item.id)
  const reschedule = useReschedulePublication(organisation.slug, item.id)
  const [moving, setMoving] = useState<{ id: string; at: string } | null>(null)
  return (
    <Stack gap="xs" component="ul" m={0} p={0} style={{ listStyle: 'none' }} aria-label="Channels">
      {publications.map((p) => {
        const status = publicationStatusLabels[p.status]
        const retryable =
          p.status === 'failed' ||
          p.status === 'withdraw_failed' ||
          (p.status === 'published' && p.deliveries.some((d) => d.status === 'failed'))
        return (
          <Paper
            key={p.id}
            withBorder
            p="sm"
            radius="sm"
            component="li"
            aria-label={`${p.label}: ${status.label}`}
          >
            <Group justify="space-between" gap="xs">
              <Text fw={600} size="sm">
                {p.label}
              </Text>
              <Badge color={status.color} variant="light" data-testid={`status-${p.channel}`}>
                {status.label}
              </Badge>
            </Group>
            <Text size="xs" c="dimmed">
              Version {p.versionNumber} ·{' '}
              {p.publishedAt
                ? `published ${formatDateTime(p.publishedAt)}`
                : p.platformScheduledAt
                  ? `scheduled on ${p.label} for ${formatDateTime(p.platformScheduledAt)}`
                  : `scheduled for ${formatDateTime(p.scheduledAt)}`}
              {p.withdrawnAt ? ` · withdrawn ${formatDateTime(p.withdrawnAt)}` : ''}
            </Text>
            {p.error ? (
              <Alert color="red" variant="light" mt="xs" p="xs" role="alert">
                {p.error}
              </Alert>
            ) : null}
            {p.deliveries.some((d) => d.error && (d.status === 'pending' || d.status === 'scheduled')) ? (
              <Text size="xs" c="orange" mt={4}>
                {
                  p.deliveries.find((d) => d.error && (d.status === 'pending' || d.status === 'scheduled'))
                    ?.error
                }
              </Text>
            ) : null}
            {p.deliveries.some((d) => d.remoteUrl) ? (
              <Group gap="xs" mt={4}>
                {p.deliveries
                  .filter((d) => d.remoteUrl && d.status !== 'deleted')
                  .map((d) => (
                    <Anchor
                      key={d.id}
                      href={d.remoteUrl as string}
                      target="_blank"
                      rel="noreferrer"
                      size="xs"
                    >
                      {d.kind === 'correction' ? 'Correction' : `Part ${d.partIndex + 1}`}
                    </Anchor>
                  ))}
              </Group>
            ) : null}
            {p.removeByHand.length > 0 ? (
              <Alert color="orange" variant="light" mt="xs" p="xs" title="Remove these by hand">
                <Stack gap={2}>
                  {p.removeByHand.map((url) => (
                    <Anchor key={url} href={url} target="_blank" rel="noreferrer" size="xs">
                      {url}
                    </Anchor>
                  ))}
                </Stack>
              </Alert>
            ) : null}
            {editor && (retryable || p.status === 'scheduled') ? (
              <Group gap="xs" mt="xs">
                {retryable ? (
                  <Button
                    size="xs"
                    variant="light"
                    loading={retry.isPending}
                    onClick={() => retry.mutate(p.id)}
                  >
                    Retry
                  </Button>
                ) : null}
                {p.status === 'scheduled' && !p.platformScheduledAt ? (
                  <Button
                    size="xs"
                    variant="default"
                    loading={cancel.isPending}
                    onClick={() => cancel.mutate(p.id)}
                  >
                    Cancel
                  </Button>
                ) : null}
                {p.status === 'scheduled' && moving?.id !== p.id ? (
                  <Button size="xs" variant="default" onClick={() => setMoving({ id: p.id, at: '' })}>
                    Change time
                  </Button>
                ) : null}
              </Group>
            ) : null}
            {editor && moving?.id === p.id ? (
              <Group gap="xs" mt="xs" align="end">
                <TextInput
                  type="datetime-local"
                  size="xs"
                  label={`New time for ${p.label} (your local time)`}
                  value={moving.at}
                  onChange={(e) => setMoving({ id: p.id, at: e.currentTarget.value })}
                />
                <Button
                  size="xs"
                  disabled={!moving.at}
                  loading={reschedule.isPending}
                  onClick={() =>
                    reschedule.mutate(
                      { publicationId: p.id, scheduledAt: localToIso(moving.at) },
                      { onSuccess: () => setMoving(null) },
                    )
                  }
                >
                  Move
                </Button>
                <Button size="xs" variant="subtle" onClick={() => setMoving(null)}>
                  Keep the time
                </Button>
              </Group>
            ) : null}
          </Paper>
        )
      })}
      {retry.isError || cancel.isError || reschedule.isError ? (
        <Text size="sm" c="red" role="alert">
          {errorMessage(retry.error ?? cancel.error ?? reschedule.error)}
        </Text>
      ) : null}
    </Stack>
  )
}

/** A local date-time input value ("2026-11-27T09:30") as an ISO instant. */
const localToIso = (value: string) => new Date(value).toISOString()

function PublishForm({ item, taken }: { item: Item; taken: ChannelId[] }) {
  const { organisation } = useCurrentOrganisation()
  const preview = usePreview(organisation.slug, item.id, true)
  const publish = usePublish(organisation.slug, item.id)
  const [chosen, setChosen] = useState<ChannelId[]>([])
  const [when, setWhen] = useState<'now' | 'later'>('now')
  const [at, setAt] = useState('')
  if (preview.isPending) return <Text size="sm">Preparing previews…</Text>
  if (preview.isError)
    return (
      <Text size="sm" c="red" role="alert">
        {errorMessage(preview.error)}
      </Text>
    )
  const open = preview.data.previews.filter((p) => !taken.includes(p.channel))
  if (open.length === 0) return null
  const onPublish = () =>
    publish.mutate(
      {
        contentHash: preview.data.contentHash,
        channels: chosen.map((channel) => ({
          channel,
          previewHash: preview.data.previews.find((p) => p.channel === channel)?.previewHash ?? '',
          ...(when === 'later' && at ? { scheduledAt: localToIso(at) } : {}),
        })),
      },
      { onSuccess: () => setChosen([]) },
    )
  const details = isApiError(publish.error) ? publish.error.code : null
  return (
    <Stack gap="sm">
      <Text size="sm">
        Version {preview.data.versionNumber}, as approved. Each preview is exactly what the channel will
        receive.
      </Text>
      {open.map((p) => (
        <ChannelPreviewCard
          key={p.channel}
          preview={p}
          checked={chosen.includes(p.channel)}
          onChange={(on) => setChosen((c) => (on ? [...c, p.channel] : c.filter((x) => x !== p.channel)))}
        />
      ))}
      <Radio.Group value={when} onChange={(v) => setWhen(v as 'now' | 'later')} label="When">
        <Group gap="md" mt={4}>
          <Radio value="now" label="Now" />
          <Radio value="later" label="At a time" />
        </Group>
      </Radio.Group>
      {when === 'later' ? (
        <TextInput
          type="datetime-local"
          label="Publish at (your local time)"
          value={at}
          onChange={(e) => setAt(e.currentTarget.value)}
          required
        />
      ) : null}
      {publish.isError ? (
        <Alert
          color="red"
          variant="light"
          role="alert"
          title={details === 'PREVIEW_STALE' ? 'The preview changed' : undefined}
        >
          {errorMessage(publish.error)}
        </Alert>
      ) : null}
      <Group>
        <Button
          onClick={onPublish}
          disabled={chosen.length === 0 || (when === 'later' && !at)}
          loading={publish.isPending}
        >
          {when === 'now' ? 'Publish now' : 'Schedule'}
          {chosen.length > 0 ? ` to ${chosen.length} channel${chosen.length === 1 ? '' : 's'}` : ''}
        </Button>
      </Group>
    </Stack>
  )
}

function ChannelPreviewCard({
  preview,
  checked,
  onChange,
}: {
  preview: ChannelPreview
  checked: boolean
  onChange: (on: boolean) => void
}) {
  const blocked = preview.problems.length > 0
  return (
    <Paper withBorder p="sm" radius="sm" component="section" aria-label={`${preview.label} preview`}>
      <Checkbox
        label={`Publish to ${preview.label}`}
        checked={checked}
        disabled={blocked}
        onChange={(e) => onChange(e.currentTarget.checked)}
      />
      {blocked ? (
        <Stack gap={2} mt="xs">
          {preview.problems.map((p) => (
            <Text key={p.code + p.message} size="xs" c="red">
              {p.message}
            </Text>
          ))}
        </Stack>
      ) : null}
      <Stack gap={6} mt="xs" component="ol" m={0} pl={0} style={{ listStyle: 'none' }}>
        {preview.post.parts.map((part) => (
          <li key={part.index}>
            <Paper bg="var(--mantine-color-gray-0)" p="xs" radius="sm">
              <Text
                size="sm"
                style={{ whiteSpace: 'pre-wrap' }}
                data-testid={`preview-${preview.channel}-${part.index}`}
              >
                {part.text}
              </Text>
              <Text
                size="xs"
                c={part.limit !== null && part.length > part.limit ? 'red' : 'dimmed'}
                ta="right"
              >
                {part.limit === null ? `${part.length} characters` : `${part.length}/${part.limit}`}
              </Text>
              {part.media.map((m) => (
                <Text key={m.slotId} size="xs" c="dimmed">
                  {m.kind === 'image' ? 'Image' : 'Video'}: {m.altText || '(no alt text)'}
                  {m.captions ? ' · with captions' : ''}
                </Text>
              ))}
            </Paper>
          </li>
        ))}
      </Stack>
    </Paper>
  )
}

function CorrectionsToChannels({ item }: { item: Item }) {
  const { organisation } = useCurrentOrganisation()
  const post = usePostCorrectionsToChannels(organisation.slug, item.id)
  return (
    <Stack gap={4}>
      <Text size="sm">Post the correction notices as replies on the channels that allow it.</Text>
      <Group>
        <Button size="xs" variant="light" loading={post.isPending} onClick={() => post.mutate()}>
          Post corrections to channels
        </Button>
      </Group>
      {post.isError ? (
        <Text size="sm" c="red" role="alert">
          {errorMessage(post.error)}
        </Text>
      ) : null}
    </Stack>
  )
}

function WithdrawEverywhere({ item }: { item: Item }) {
  const { organisation } = useCurrentOrganisation()
  const withdraw = useWithdrawEverywhere(organisation.slug, item.id)
  const [reason, setReason] = useState('')
  const [confirming, setConfirming] = useState(false)
  const fieldError = isApiError(withdraw.error) ? withdraw.error.fieldErrors.reason : undefined
  if (!confirming)
    return (
      <Group>
        <Button color="red" variant="light" size="xs" onClick={() => setConfirming(true)}>
          Withdraw everywhere…
        </Button>
      </Group>
    )
  return (
    <Stack gap="xs">
      <Textarea
        label="Why is it withdrawn?"
        description="Posts are deleted on every channel that allows it; the others are listed to remove by hand."
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
        error={fieldError}
        autosize
        minRows={2}
      />
      {withdraw.isError && !fieldError ? (
        <Text size="sm" c="red" role="alert">
          {errorMessage(withdraw.error)}
        </Text>
      ) : null}
      <Group gap="xs">
        <Button color="red" size="xs" loading={withdraw.isPending} onClick={() => withdraw.mutate(reason)}>
          Withdraw everywhere
        </Button>
        <Button variant="default" size="xs" onClick={() => setConfirming(false)}>
          Keep it
        </Button>
      </Group>
    </Stack>
  )
}
