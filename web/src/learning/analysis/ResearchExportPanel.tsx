import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  NumberInput,
  Progress,
  ScrollArea,
  SegmentedControl,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import { type FormEvent, useState } from 'react'
import { errorMessage, isApiError } from '../../api/client.ts'
import { formatDateTime } from '../../lib/format.ts'
import {
  codebookUrl,
  exportDownloadUrl,
  type ResearchExport,
  useRequestResearchExport,
  useResearchCodebook,
  useResearchExports,
} from './researchExport.api.ts'

const statusColors: Record<ResearchExport['status'], string> = {
  queued: 'gray',
  running: 'blue',
  ready: 'green',
  failed: 'red',
  expired: 'gray',
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  return `${(n / 1024 / 1024).toFixed(1)} MB`
}

/**
 * Export data for research: an anonymised ZIP of CSV tables with a codebook. The researcher
 * sets k and a date range; the export is built in the background with its progress shown,
 * then offered for download until its retention period ends.
 */
export function ResearchExportPanel({ slug }: { slug: string }) {
  const exportsQuery = useResearchExports(slug)
  const request = useRequestResearchExport(slug)
  const [k, setK] = useState<number | string>(5)
  const [from, setFrom] = useState('')
  const [to, setTo] = useState('')
  const [granularity, setGranularity] = useState<'month' | 'day'>('month')
  const [showCodebook, setShowCodebook] = useState(false)
  const fieldErrors = isApiError(request.error) ? request.error.fieldErrors : {}

  const submit = (e: FormEvent) => {
    e.preventDefault()
    request.mutate({
      k: typeof k === 'number' ? k : Number(k),
      from: from || null,
      to: to || null,
      granularity,
    })
  }
  const exports = exportsQuery.data?.exports ?? []
  return (
    <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="research-export">
      <Title order={2} size="h4" id="research-export" mb="xs">
        Export data
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        An anonymised ZIP of CSV tables (items, engagement, quiz results, learning summary) with a codebook.
        Learners appear only under pseudonyms made for this export; a cell from fewer than k learners is left
        empty and flagged, and items with fewer than k learners are left out of the per-learner table. Dates
        are months unless you ask for days. Files are kept for {exportsQuery.data?.retentionDays ?? 7} days.
      </Text>
      <form onSubmit={submit} aria-label="Research export">
        <Group align="flex-end" gap="md" wrap="wrap">
          <NumberInput
            label="Minimum learners per cell (k)"
            min={1}
            max={100}
            value={k}
            onChange={setK}
            error={fieldErrors.k}
            w={220}
          />
          <TextInput
            type="date"
            label="Items published from"
            value={from}
            onChange={(e) => setFrom(e.currentTarget.value)}
            error={fieldErrors.from}
          />
          <TextInput
            type="date"
            label="to"
            value={to}
            onChange={(e) => setTo(e.currentTarget.value)}
            error={fieldErrors.to}
          />
          <Stack gap={4}>
            <Text size="sm" fw={500} id="research-export-granularity">
              Dates as
            </Text>
            <SegmentedControl
              aria-labelledby="research-export-granularity"
              value={granularity}
              onChange={(v) => setGranularity(v as 'month' | 'day')}
              data={[
                { value: 'month', label: 'Months' },
                { value: 'day', label: 'Days' },
              ]}
            />
          </Stack>
          <Button type="submit" loading={request.isPending}>
            Start export
          </Button>
        </Group>
        {request.isError && !Object.keys(fieldErrors).length ? (
          <Alert color="red" variant="light" mt="sm" role="alert">
            {errorMessage(request.error)}
          </Alert>
        ) : null}
      </form>

      {exports.length ? (
        <Stack gap="sm" mt="md" aria-label="Exports">
          {exports.slice(0, 5).map((e) => (
            <ExportRow key={e.id} slug={slug} record={e} />
          ))}
        </Stack>
      ) : null}

      <Group mt="md" gap="xs">
        <Button
          variant="subtle"
          size="compact-sm"
          onClick={() => setShowCodebook((v) => !v)}
          aria-expanded={showCodebook}
        >
          {showCodebook ? 'Hide the codebook' : 'Show the codebook'}
        </Button>
        <Anchor href={codebookUrl(slug)} size="sm" target="_blank" rel="noreferrer">
          Codebook as JSON
        </Anchor>
      </Group>
      {showCodebook ? <CodebookTable slug={slug} /> : null}
    </Card>
  )
}

function ExportRow({ slug, record }: { slug: string; record: ResearchExport }) {
  const p = record.params
  const range = `${p.from ?? 'any date'} to ${p.to ?? 'now'}`
  return (
    <Card withBorder padding="sm" radius="sm" aria-label={`Export of ${formatDateTime(record.createdAt)}`}>
      <Group justify="space-between" wrap="nowrap">
        <Stack gap={2}>
          <Group gap="xs">
            <Badge color={statusColors[record.status]} variant="light">
              {record.status}
            </Badge>
            <Text size="sm">
              k = {p.k} · {range} · by {p.granularity}
            </Text>
          </Group>
          <Text size="xs" c="dimmed">
            Requested {formatDateTime(record.createdAt)}
            {record.requestedBy ? ` by ${record.requestedBy.name}` : ''}
            {record.expiresAt && record.status === 'ready'
              ? ` · kept until ${formatDateTime(record.expiresAt)}`
              : ''}
          </Text>
        </Stack>
        {record.status === 'ready' ? (
          <Button component="a" href={exportDownloadUrl(slug, record.id)} download size="xs">
            Download ZIP{record.size ? ` (${formatBytes(record.size)})` : ''}
          </Button>
        ) : null}
      </Group>
      {record.status === 'queued' || record.status === 'running' ? (
        <Stack gap={4} mt="xs">
          <Progress value={record.progress} animated aria-label="Export progress" />
          <Text size="xs" c="dimmed" role="status">
            {record.stage} · {record.progress}%
          </Text>
        </Stack>
      ) : null}
      {record.status === 'ready' && record.tables.length ? (
        <Text size="xs" c="dimmed" mt={4}>
          {record.tables
            .map(
              (t) =>
                `${t.name}.csv: ${t.rows} rows${t.droppedItems ? ` (${t.droppedItems} items under k left out)` : ''}${
                  t.suppressedCells ? ` (${t.suppressedCells} cells suppressed)` : ''
                }`,
            )
            .join(' · ')}
        </Text>
      ) : null}
      {record.status === 'failed' ? (
        <Text size="sm" c="red" mt={4} role="alert">
          {record.error?.message}
        </Text>
      ) : null}
      {record.status === 'expired' ? (
        <Text size="xs" c="dimmed" mt={4}>
          The file was deleted after the retention period.
        </Text>
      ) : null}
    </Card>
  )
}

function CodebookTable({ slug }: { slug: string }) {
  const codebook = useResearchCodebook(slug, true)
  if (codebook.isPending) return <Text size="sm">Loading the codebook…</Text>
  if (codebook.isError)
    return (
      <Text size="sm" c="red">
        {errorMessage(codebook.error)}
      </Text>
    )
  return (
    <ScrollArea mt="sm">
      <Table striped aria-label="Codebook" fz="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>File</Table.Th>
            <Table.Th>Column</Table.Th>
            <Table.Th>Type</Table.Th>
            <Table.Th>Unit</Table.Th>
            <Table.Th>Allowed values</Table.Th>
            <Table.Th>Description</Table.Th>
            <Table.Th>Suppression</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {codebook.data.columns.map((c) => (
            <Table.Tr key={`${c.table}.${c.column}`}>
              <Table.Td>{c.table}.csv</Table.Td>
              <Table.Td>
                <code>{c.column}</code>
              </Table.Td>
              <Table.Td>{c.type}</Table.Td>
              <Table.Td>{c.unit || '–'}</Table.Td>
              <Table.Td>{c.allowed || '–'}</Table.Td>
              <Table.Td>{c.description}</Table.Td>
              <Table.Td>{c.suppression}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea>
  )
}
