import { Alert, Button, Card, Code, Group, Stack, Text, Textarea, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useState } from 'react'
import { errorMessage } from '../api/client.ts'
import { type Item, useItemVersion, useOverrideFinding } from '../api/content.ts'
import type { Finding } from '../api/types.ts'
import { useCurrentOrganisation } from '../org/OrganisationContext.tsx'
import { excerpt, quizPlace } from '../screening/findings.ts'

const findingKey = (f: Finding) => `${f.ruleId}|${f.field}|${f.start}|${f.end}`

function OverrideForm({
  item,
  version,
  finding,
  onDone,
}: {
  item: Item
  version: number
  finding: Finding
  onDone: () => void
}) {
  const { organisation } = useCurrentOrganisation()
  const override = useOverrideFinding(organisation.slug, item.id, version)
  const [reason, setReason] = useState('')
  const short = reason.trim().length < 10
  const onSubmit = () =>
    override.mutate(
      {
        ruleId: finding.ruleId,
        field: finding.field,
        start: finding.start,
        end: finding.end,
        text: finding.text,
        reason: reason.trim(),
      },
      {
        onSuccess: () => {
          notifications.show({
            color: 'teal',
            message: 'Finding overridden; reviewers will see your reason.',
          })
          onDone()
        },
      },
    )
  return (
    <Stack gap="xs">
      <Textarea
        label="Reason for the override"
        description="Reviewers see it with the item, and it is kept on the record. For example: “Consent on file, signed 3 March, scope: teaching posts.”"
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
        autosize
        minRows={2}
        error={reason && short ? 'Give a reason of at least 10 characters.' : undefined}
      />
      {override.isError ? (
        <Text size="sm" c="red" role="alert">
          {errorMessage(override.error)}
        </Text>
      ) : null}
      <Group gap="xs">
        <Button size="xs" color="orange" onClick={onSubmit} disabled={short} loading={override.isPending}>
          Override finding
        </Button>
        <Button size="xs" variant="default" onClick={onDone}>
          Cancel
        </Button>
      </Group>
    </Stack>
  )
}

/**
 * For editors: the blocking findings that stopped the latest version at submission, each with
 * an override that needs a written reason (e.g. consent on file). The author can then submit
 * that same version.
 */
export function OverridePanel({ item }: { item: Item }) {
  const { organisation, can } = useCurrentOrganisation()
  const editor = can('review.manage')
  const n = editor ? (item.latestVersion?.number ?? null) : null
  const version = useItemVersion(organisation.slug, item.id, n)
  const [open, setOpen] = useState<string | null>(null)
  const unresolved = version.data?.screening?.unresolved ?? []
  if (!editor || n === null || unresolved.length === 0) return null
  return (
    <Card
      withBorder
      radius="md"
      padding="md"
      component="section"
      aria-labelledby="overrides-heading"
      data-testid="override-panel"
    >
      <Title order={2} size="h5" id="overrides-heading" mb="xs">
        Blocking findings on version {n}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Screening stopped this version at submission. If a finding is acceptable here (for example, the
        patient’s consent is on file), override it with a written reason; otherwise the author fixes it.
      </Text>
      <Stack gap="sm">
        {unresolved.map((f) => {
          const key = findingKey(f)
          return (
            <Alert key={key} color="red" variant="light" p="sm">
              <Stack gap={6}>
                <Text size="sm">
                  <Text span fw={600}>
                    “{excerpt(f.text, 80)}”
                  </Text>{' '}
                  in the {f.quiz ? `quiz (${quizPlace(f.quiz)})` : f.field}: {f.message}{' '}
                  <Code>{f.ruleId}</Code>
                </Text>
                {open === key ? (
                  <OverrideForm item={item} version={n} finding={f} onDone={() => setOpen(null)} />
                ) : (
                  <Group>
                    <Button
                      size="xs"
                      variant="default"
                      onClick={() => setOpen(key)}
                      aria-label={`Override “${excerpt(f.text, 40)}”`}
                    >
                      Override…
                    </Button>
                  </Group>
                )}
              </Stack>
            </Alert>
          )
        })}
      </Stack>
    </Card>
  )
}
