import { Badge, Button, Code, Group, Paper, Stack, Text, Title, UnstyledButton } from '@mantine/core'
import { type CSSProperties, memo, useEffect, useState } from 'react'
import type { ChannelId, Finding, Severity } from '../api/types.ts'
import { type Engine, loadEngine } from './engine.ts'
import {
  excerpt,
  fieldLabels,
  findingKey,
  fixFor,
  packLabel,
  quizPlace,
  severityLabels,
  severityOrder,
} from './findings.ts'

/**
 * The pieces of the live screening UI shared by "Check a draft" and the item editor: the engine
 * loader, the findings list with its one-click fixes, and the highlight legend.
 */

export const channelLabels: Record<ChannelId, string> = {
  x: 'X',
  bluesky: 'Bluesky',
  mastodon: 'Mastodon',
  fediverse: 'Fediverse',
  threads: 'Threads',
  instagram: 'Instagram',
  facebook: 'Facebook',
  youtube: 'YouTube',
  linkedin: 'LinkedIn',
  tiktok: 'TikTok',
  rounds: 'Rounds',
}

export const DEBOUNCE_MS = 150

/** Loads the screening engine chunk (with a retry after a failed load). */
export function useEngine() {
  const [engine, setEngine] = useState<Engine | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [attempt, setAttempt] = useState(0)
  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` re-runs the load on retry
  useEffect(() => {
    let live = true
    setError(null)
    loadEngine().then(
      (loaded) => live && setEngine(loaded),
      (caught: unknown) => live && setError(caught),
    )
    return () => {
      live = false
    }
  }, [attempt])
  return { engine, error, retry: () => setAttempt((n) => n + 1) }
}

function FindingItem({
  finding,
  onSelect,
  onFix,
  fixable,
}: {
  finding: Finding
  onSelect: (finding: Finding) => void
  onFix: (finding: Finding, replacement: string) => void
  fixable: readonly Finding['field'][]
}) {
  const label = severityLabels[finding.severity]
  const fix = fixFor(finding)
  const inDraft = finding.field === 'body'
  const shown = excerpt(finding.text)
  const canReplace = fix?.kind === 'replace' && fixable.includes(finding.field) && finding.end > finding.start
  const where = inDraft ? 'the draft' : `the ${fieldLabels[finding.field].toLowerCase()}`
  return (
    <Paper
      component="li"
      withBorder
      p="sm"
      radius="md"
      data-finding={finding.ruleId}
      style={{ borderLeft: `4px solid var(--mantine-color-${label.color}-filled)`, listStyle: 'none' }}
    >
      <Stack gap={6}>
        <Group gap={6} wrap="wrap">
          <Badge color={label.color} variant="light" size="sm">
            {label.badge}
          </Badge>
          <Code>{finding.ruleId}</Code>
          <Text size="xs" c="dimmed">
            {packLabel(finding.pack)}
            {inDraft ? '' : ` · in ${fieldLabels[finding.field].toLowerCase()}`}
            {finding.quiz ? ` (${quizPlace(finding.quiz)})` : ''}
            {finding.cue ? ` · cue ${finding.cue.index} at ${finding.cue.start}` : ''}
          </Text>
        </Group>
        {shown ? (
          inDraft ? (
            <UnstyledButton
              onClick={() => onSelect(finding)}
              aria-label={`Show “${shown}” in the draft`}
              style={{ alignSelf: 'flex-start', maxWidth: '100%' }}
            >
              <Text size="sm" fw={600} td="underline" style={{ wordBreak: 'break-word' }}>
                “{shown}”
              </Text>
            </UnstyledButton>
          ) : (
            <Text size="sm" fw={600} style={{ wordBreak: 'break-word' }}>
              “{shown}”
            </Text>
          )
        ) : null}
        <Text size="sm">{finding.message}</Text>
        <Text size="xs" c="dimmed">
          Guidance: {finding.citation}
        </Text>
        {canReplace && fix ? (
          <Group gap="xs">
            <Button
              size="compact-sm"
              variant="light"
              color={label.color}
              onClick={() => onFix(finding, fix.text)}
              aria-label={
                fix.text
                  ? `Fix: replace “${shown}” with ${fix.text}${inDraft ? '' : ` in ${where}`}`
                  : `Fix: remove “${shown}” from ${where}`
              }
            >
              {fix.text ? `Fix: ${fix.text}` : 'Fix: remove'}
            </Button>
          </Group>
        ) : fix ? (
          <Text size="sm">
            <Text span fw={600} size="sm">
              Suggestion:
            </Text>{' '}
            {fix.kind === 'replace' ? (fix.text ? `replace with “${fix.text}”.` : 'remove it.') : fix.text}
          </Text>
        ) : null}
      </Stack>
    </Paper>
  )
}

export const FindingsList = memo(function FindingsList({
  findings,
  onSelect,
  onFix,
  fixable = ['body'],
}: {
  findings: readonly Finding[]
  onSelect: (finding: Finding) => void
  onFix: (finding: Finding, replacement: string) => void
  /** The fields whose findings offer a one-click fix (the caller's onFix applies it there). */
  fixable?: readonly Finding['field'][]
}) {
  const groups = severityOrder
    .map((severity) => ({ severity, items: findings.filter((f) => f.severity === severity) }))
    .filter((g) => g.items.length > 0)
  return (
    <Stack gap="md">
      {groups.map(({ severity, items }) => (
        <section key={severity} aria-labelledby={`findings-${severity}`}>
          <Title order={3} size="h5" id={`findings-${severity}`} mb={6}>
            {severityLabels[severity].group} ({items.length})
          </Title>
          <Stack component="ul" gap="xs" p={0} m={0} aria-labelledby={`findings-${severity}`}>
            {items.map((f) => (
              <FindingItem
                key={findingKey(f)}
                finding={f}
                onSelect={onSelect}
                onFix={onFix}
                fixable={fixable}
              />
            ))}
          </Stack>
        </section>
      ))}
    </Stack>
  )
})

/** The same look as the highlights in the editor (DraftEditor's theme). */
const swatches: Record<Severity, CSSProperties> = {
  block: {
    backgroundColor: 'var(--mantine-color-red-light)',
    textDecoration: 'underline solid var(--mantine-color-red-filled) 2px',
  },
  warn: {
    backgroundColor: 'var(--mantine-color-yellow-light)',
    textDecoration: 'underline wavy var(--mantine-color-yellow-filled) 1.5px',
  },
  info: {
    backgroundColor: 'var(--mantine-color-blue-light)',
    textDecoration: 'underline dotted var(--mantine-color-blue-filled) 2px',
  },
}

export function Legend() {
  return (
    <Group gap="md" wrap="wrap">
      <Text size="xs" c="dimmed">
        Highlights:
      </Text>
      {severityOrder.map((severity) => (
        <Text key={severity} size="xs" c="dimmed">
          <span
            style={{
              ...swatches[severity],
              textUnderlineOffset: 3,
              padding: '0 2px',
              color: 'var(--mantine-color-text)',
            }}
          >
            {severityLabels[severity].group.toLowerCase()}
          </span>{' '}
          ({severityLabels[severity].cue})
        </Text>
      ))}
    </Group>
  )
}
