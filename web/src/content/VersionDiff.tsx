import { Box, Card, Code, Group, Loader, Select, Stack, Table, Text, VisuallyHidden } from '@mantine/core'
import { type ReactNode, useState } from 'react'
import { type Item, useItemDiff, useItemVersions, type VersionDiff } from '../api/content.ts'
import { useCurrentOrganisation } from '../org/OrganisationContext.tsx'
import { ErrorState } from '../shell/Page.tsx'

type Line = VersionDiff['text'][number]['hunks'][number]['lines'][number]

const fieldLabels: Record<string, string> = {
  title: 'Title',
  body: 'Body',
  captions: 'Captions',
  hashtags: 'Hashtags',
  media: 'Media',
  learningObjectives: 'Learning objectives',
  topics: 'Topics',
  audience: 'Audience',
  voice: 'Voice',
  references: 'References',
  consents: 'Consent records',
  channels: 'Channels',
  kind: 'Kind',
}

/** "parts[2]" → "Thread part 3"; known fields by name; anything else as it is. */
export function fieldLabel(field: string): string {
  const part = field.match(/^parts\[(\d+)\]$/)
  if (part) return `Thread part ${Number(part[1]) + 1}`
  return fieldLabels[field] ?? field
}

/** A field's value for people: lists joined, references and consents summarised, empty as a dash. */
function show(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—'
  if (Array.isArray(value)) {
    if (value.length === 0) return '—'
    return value
      .map((v) => {
        if (v && typeof v === 'object') {
          const o = v as Record<string, unknown>
          if ('marker' in o && 'value' in o) return `[${String(o.marker)}] ${String(o.value)}`
          if ('consentedBy' in o)
            return `${String(o.consentedBy)} (${String(o.scope ?? '')}, ${String(o.date ?? '')})`
          if ('kind' in o && 'id' in o) return `${String(o.kind)} ${String(o.id)}`
          return JSON.stringify(v)
        }
        return String(v)
      })
      .join(', ')
  }
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

const MAX_WORD_CELLS = 250_000

/**
 * Marks the words that differ between a removed line and the line that replaced it
 * (longest common subsequence over words and the spaces between them).
 */
function wordDiff(before: string, after: string): { before: ReactNode[]; after: ReactNode[] } | null {
  const a = before.split(/(\s+)/).filter((t) => t !== '')
  const b = after.split(/(\s+)/).filter((t) => t !== '')
  if (a.length * b.length > MAX_WORD_CELLS) return null
  const lcs = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1))
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      (lcs[i] as Uint32Array)[j] =
        a[i] === b[j]
          ? ((lcs[i + 1] as Uint32Array)[j + 1] as number) + 1
          : Math.max((lcs[i + 1] as Uint32Array)[j] as number, (lcs[i] as Uint32Array)[j + 1] as number)
  const outA: ReactNode[] = []
  const outB: ReactNode[] = []
  let i = 0
  let j = 0
  let k = 0
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      outA.push(a[i])
      outB.push(b[j])
      i++
      j++
    } else if (
      i < a.length &&
      (j === b.length ||
        ((lcs[i + 1] as Uint32Array)[j] as number) >= ((lcs[i] as Uint32Array)[j + 1] as number))
    ) {
      outA.push(
        <Box component="mark" key={`a${k++}`} bg="red.2" c="inherit">
          {a[i]}
        </Box>,
      )
      i++
    } else {
      outB.push(
        <Box component="mark" key={`b${k++}`} bg="green.2" c="inherit">
          {b[j]}
        </Box>,
      )
      j++
    }
  }
  return { before: outA, after: outB }
}

/** Pairs each run of removed lines with the added run after it, line by line, for word marks. */
function renderLines(lines: readonly Line[]): ReactNode[] {
  const out: ReactNode[] = []
  let n = 0
  for (let i = 0; i < lines.length; ) {
    const line = lines[i] as Line
    if (line.op === ' ') {
      out.push(
        <Text
          key={n++}
          component="div"
          size="sm"
          ff="monospace"
          c="dimmed"
          style={{ whiteSpace: 'pre-wrap' }}
        >
          {'  '}
          {line.text || '\u00a0'}
        </Text>,
      )
      i++
      continue
    }
    let j = i
    while (j < lines.length && lines[j]?.op === '-') j++
    let k = j
    while (k < lines.length && lines[k]?.op === '+') k++
    const removed = lines.slice(i, j)
    const added = lines.slice(j, k)
    const marks = removed.map((r, x) => {
      const partner = added[x]
      return partner ? wordDiff(r.text, partner.text) : null
    })
    removed.forEach((r, x) => {
      out.push(
        <Text
          key={n++}
          component="del"
          display="block"
          size="sm"
          ff="monospace"
          bg="red.0"
          style={{ whiteSpace: 'pre-wrap', textDecoration: 'none' }}
        >
          <VisuallyHidden>Removed: </VisuallyHidden>
          <span aria-hidden>- </span>
          {marks[x]?.before ?? r.text}
        </Text>,
      )
    })
    added.forEach((a, x) => {
      out.push(
        <Text
          key={n++}
          component="ins"
          display="block"
          size="sm"
          ff="monospace"
          bg="green.0"
          style={{ whiteSpace: 'pre-wrap', textDecoration: 'none' }}
        >
          <VisuallyHidden>Added: </VisuallyHidden>
          <span aria-hidden>+ </span>
          {marks[x]?.after ?? a.text}
        </Text>,
      )
    })
    i = k
  }
  return out
}

/** A version diff: changed text as hunks with the changed words marked, then every other changed field. */
export function VersionDiffView({ diff }: { diff: VersionDiff }) {
  const empty = diff.text.length === 0 && diff.fields.length === 0
  return (
    <Stack gap="sm" data-testid="version-diff">
      <Text size="sm" fw={600}>
        Version {diff.from.number} → version {diff.to.number}
      </Text>
      {empty ? (
        <Text size="sm" c="dimmed">
          No changes between these versions.
        </Text>
      ) : null}
      {diff.text.map((t) => (
        <Stack gap={4} key={t.field} component="section" aria-label={`Changes to ${fieldLabel(t.field)}`}>
          <Text size="sm" fw={600}>
            {fieldLabel(t.field)}
          </Text>
          {t.hunks.map((h) => (
            <Card key={`${h.oldStart}-${h.newStart}`} withBorder padding="xs" radius="sm">
              <Text size="xs" c="dimmed" mb={4}>
                Lines {h.oldStart}–{h.oldStart + Math.max(h.oldLines - 1, 0)} → {h.newStart}–
                {h.newStart + Math.max(h.newLines - 1, 0)}
              </Text>
              {renderLines(h.lines)}
            </Card>
          ))}
        </Stack>
      ))}
      {diff.fields.length > 0 ? (
        <Table withTableBorder aria-label="Other changed fields">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Field</Table.Th>
              <Table.Th>Before</Table.Th>
              <Table.Th>After</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {diff.fields.map((f) => (
              <Table.Tr key={f.field}>
                <Table.Td>{fieldLabel(f.field)}</Table.Td>
                <Table.Td>
                  <Text size="sm" component="del" style={{ textDecoration: 'none' }}>
                    {show(f.before)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" component="ins" style={{ textDecoration: 'none' }}>
                    {show(f.after)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
    </Stack>
  )
}

/** On the item page (author and editors): pick any two versions and see what changed. */
export function VersionCompare({ item }: { item: Item }) {
  const { organisation } = useCurrentOrganisation()
  const versions = useItemVersions(organisation.slug, item.id)
  const numbers = (versions.data?.versions ?? []).map((v) => v.number).sort((a, b) => a - b)
  const latest = numbers[numbers.length - 1] ?? null
  const [from, setFrom] = useState<number | null>(null)
  const [to, setTo] = useState<number | null>(null)
  const chosenTo = to ?? latest
  const chosenFrom = from ?? (latest !== null && latest > 1 ? latest - 1 : null)
  const diff = useItemDiff(organisation.slug, item.id, chosenFrom, chosenTo)
  if (numbers.length < 2) return null
  const data = numbers.map((n) => ({ value: String(n), label: `Version ${n}` }))
  return (
    <Stack gap="xs" component="section" aria-label="Compare versions">
      <Text size="sm" fw={600}>
        Compare versions
      </Text>
      <Group gap="sm" align="flex-end">
        <Select
          label="From"
          w={140}
          data={data}
          value={chosenFrom === null ? null : String(chosenFrom)}
          onChange={(v) => setFrom(v ? Number(v) : null)}
          allowDeselect={false}
        />
        <Select
          label="To"
          w={140}
          data={data}
          value={chosenTo === null ? null : String(chosenTo)}
          onChange={(v) => setTo(v ? Number(v) : null)}
          allowDeselect={false}
        />
      </Group>
      {chosenFrom === chosenTo ? (
        <Text size="sm" c="dimmed">
          Pick two different versions.
        </Text>
      ) : diff.isPending ? (
        <Loader size="xs" />
      ) : diff.isError ? (
        <ErrorState error={diff.error} title="Could not compare the versions" />
      ) : (
        <VersionDiffView diff={diff.data} />
      )}
      <Text size="xs" c="dimmed">
        Hashes: <Code>{diff.data?.from.contentHash.slice(0, 12) ?? '…'}</Code> →{' '}
        <Code>{diff.data?.to.contentHash.slice(0, 12) ?? '…'}</Code>
      </Text>
    </Stack>
  )
}
