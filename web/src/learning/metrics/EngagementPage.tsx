import {
  Alert,
  Badge,
  Button,
  Card,
  FileInput,
  Group,
  ScrollArea,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import { useMemo, useState } from 'react'
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { errorMessage } from '../../api/client.ts'
import {
  type ImportPreview,
  type ItemMetrics,
  type MetricsImportRequest,
  useEngagementOverview,
  useImportMetrics,
  useItemMetrics,
  usePreviewMetricsImport,
  useRefreshItemMetrics,
} from '../../api/metrics.ts'
import { formatDateTime, todayIso } from '../../lib/format.ts'
import { useCurrentOrganisation } from '../../org/OrganisationContext.tsx'
import { ErrorState, PageLoader, PageTitle } from '../../shell/Page.tsx'
import { GroupAnalyticsCard } from '../GroupAnalyticsCard.tsx'
import { ItemLearningCard } from '../ItemLearningCard.tsx'

type Metric = keyof ItemMetrics['summary']['totals']
type Mapping = NonNullable<MetricsImportRequest['mapping']>

const metricLabels: Record<Metric, string> = {
  views: 'Views',
  impressions: 'Impressions',
  reach: 'Reach',
  likes: 'Likes',
  reposts: 'Reposts / shares',
  quotes: 'Quotes',
  replies: 'Replies / comments',
  saves: 'Saves',
  watchTimeSeconds: 'Watch time (s)',
  averageViewSeconds: 'Average view (s)',
}
const metricOrder = Object.keys(metricLabels) as Metric[]
const tableMetrics: Metric[] = ['views', 'impressions', 'reach', 'likes', 'reposts', 'replies', 'saves']

const channelLabels: Record<string, string> = {
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
  rounds: 'Rounds pages',
}
const lineColours = ['#1c7ed6', '#e8590c', '#2f9e44', '#ae3ec9', '#f08c00', '#0c8599', '#c2255c']

const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 })
const show = (v: number | undefined) => (v === undefined ? '–' : number.format(v))

/**
 * Editors and admins: the engagement of every published item (the latest figures of each
 * post, and each item's figures over time), refreshed from the platforms or imported from
 * their analytics exports.
 */
export function EngagementPage() {
  const { can } = useCurrentOrganisation()
  const [selected, setSelected] = useState<string | null>(null)
  // Researchers read engagement; editors and admins also import and refresh it (analytics.manage).
  const manage = can('analytics.manage')
  return (
    <>
      <PageTitle description="Views, reach and reactions of each published post: read from the platforms every few hours in a post's first week and daily after, or imported from an analytics export.">
        Engagement
      </PageTitle>
      <Stack gap="lg">
        <ItemsSection selected={selected} onSelect={setSelected} />
        {selected && <ItemSection itemId={selected} manage={manage} />}
        {/* The item's learning summary comes with reading the item itself (its author or an editor). */}
        {selected && can('review.manage') && <ItemLearningCard itemId={selected} />}
        <GroupAnalyticsCard />
        {manage && <ImportSection />}
      </Stack>
    </>
  )
}

function ItemsSection({ selected, onSelect }: { selected: string | null; onSelect: (id: string) => void }) {
  const { organisation } = useCurrentOrganisation()
  const overview = useEngagementOverview(organisation.slug)
  return (
    <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="engagement-items-heading">
      <Title order={2} size="h4" id="engagement-items-heading" mb="xs">
        Published items
      </Title>
      {overview.isPending ? (
        <PageLoader />
      ) : overview.isError ? (
        <ErrorState error={overview.error} onRetry={() => overview.refetch()} />
      ) : overview.data.items.length === 0 ? (
        <Text c="dimmed">No item has been published to a platform yet.</Text>
      ) : (
        <ScrollArea>
          <Table striped highlightOnHover aria-label="Latest metrics per item">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Item</Table.Th>
                <Table.Th>Channels</Table.Th>
                {tableMetrics.map((m) => (
                  <Table.Th key={m} style={{ textAlign: 'right' }}>
                    {metricLabels[m]}
                  </Table.Th>
                ))}
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {overview.data.items.map((item) => (
                <Table.Tr
                  key={item.itemId}
                  bg={item.itemId === selected ? 'var(--mantine-color-blue-light)' : undefined}
                >
                  <Table.Td>{item.title}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {[...new Set(item.posts.map((p) => p.channel))].map((c) => (
                        <Badge key={c} variant="light" size="sm">
                          {channelLabels[c] ?? c}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  {tableMetrics.map((m) => (
                    <Table.Td key={m} style={{ textAlign: 'right' }}>
                      {show(item.totals[m])}
                    </Table.Td>
                  ))}
                  <Table.Td>
                    <Button size="xs" variant="subtle" onClick={() => onSelect(item.itemId)}>
                      Over time
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea>
      )}
    </Card>
  )
}

function ItemSection({ itemId, manage }: { itemId: string; manage: boolean }) {
  const { organisation } = useCurrentOrganisation()
  const metrics = useItemMetrics(organisation.slug, itemId)
  const refresh = useRefreshItemMetrics(organisation.slug)
  const [metric, setMetric] = useState<Metric>('likes')
  return (
    <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="engagement-item-heading">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4" id="engagement-item-heading">
          {metrics.data?.summary.title ?? 'Item'}
        </Title>
        {manage && (
          <Button variant="light" loading={refresh.isPending} onClick={() => refresh.mutate(itemId)}>
            Refresh metrics now
          </Button>
        )}
      </Group>
      {refresh.isError && (
        <Alert color="red" mb="sm">
          {errorMessage(refresh.error)}
        </Alert>
      )}
      {refresh.data && (
        <Alert color={refresh.data.failed.length || refresh.data.waiting.length ? 'yellow' : 'green'} mb="sm">
          {refresh.data.refreshed} post{refresh.data.refreshed === 1 ? '' : 's'} read.
          {refresh.data.waiting.map((w) => (
            <div key={`w-${w.channel}`}>
              {channelLabels[w.channel] ?? w.channel} asked Rounds to wait until {formatDateTime(w.until)}.
            </div>
          ))}
          {[
            ...new Set(
              refresh.data.failed.map((f) => `${channelLabels[f.channel] ?? f.channel}: ${f.message}`),
            ),
          ].map((line) => (
            <div key={line}>{line}</div>
          ))}
        </Alert>
      )}
      {metrics.isPending ? (
        <PageLoader />
      ) : metrics.isError ? (
        <ErrorState error={metrics.error} onRetry={() => metrics.refetch()} />
      ) : (
        <Stack gap="md">
          <PostsTable data={metrics.data} />
          <Select
            label="Metric over time"
            data={metricOrder.map((m) => ({ value: m, label: metricLabels[m] }))}
            value={metric}
            onChange={(v) => v && setMetric(v as Metric)}
            allowDeselect={false}
            maw={260}
          />
          <MetricChart data={metrics.data} metric={metric} />
        </Stack>
      )}
    </Card>
  )
}

function PostsTable({ data }: { data: ItemMetrics }) {
  return (
    <ScrollArea>
      <Table aria-label="Latest metrics per post">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Channel</Table.Th>
            {tableMetrics.map((m) => (
              <Table.Th key={m} style={{ textAlign: 'right' }}>
                {metricLabels[m]}
              </Table.Th>
            ))}
            <Table.Th>As of</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {data.summary.posts.map((p) => (
            <Table.Tr key={`${p.channel}-${p.remoteId}`}>
              <Table.Td>
                {p.url ? (
                  <a href={p.url} target="_blank" rel="noreferrer">
                    {channelLabels[p.channel] ?? p.channel}
                  </a>
                ) : (
                  (channelLabels[p.channel] ?? p.channel)
                )}
                {p.lastError && (
                  <Text size="xs" c="red">
                    {p.lastError}
                  </Text>
                )}
              </Table.Td>
              {tableMetrics.map((m) => (
                <Table.Td key={m} style={{ textAlign: 'right' }}>
                  {show(p.metrics[m])}
                </Table.Td>
              ))}
              <Table.Td>{p.capturedAt ? formatDateTime(p.capturedAt) : 'not read yet'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea>
  )
}

function MetricChart({ data, metric }: { data: ItemMetrics; metric: Metric }) {
  const series = useMemo(() => {
    const byPost = new Map<string, { name: string; points: { t: number; value: number }[] }>()
    for (const p of data.points) {
      if (p.metric !== metric) continue
      const key = `${p.channel}\u0000${p.remoteId}`
      const entry = byPost.get(key) ?? { name: channelLabels[p.channel] ?? p.channel, points: [] }
      entry.points.push({ t: Date.parse(p.capturedAt), value: p.value })
      byPost.set(key, entry)
    }
    const names = new Map<string, number>()
    return [...byPost.values()].map((s) => {
      const n = (names.get(s.name) ?? 0) + 1
      names.set(s.name, n)
      return { ...s, name: n > 1 ? `${s.name} (${n})` : s.name }
    })
  }, [data, metric])
  if (series.length === 0)
    return <Text c="dimmed">No {metricLabels[metric].toLowerCase()} recorded for this item yet.</Text>
  return (
    <div style={{ width: '100%', height: 300 }} role="img" aria-label={`${metricLabels[metric]} over time`}>
      <ResponsiveContainer>
        <LineChart margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={['dataMin', 'dataMax']}
            tickFormatter={(t: number) => new Date(t).toLocaleDateString()}
          />
          <YAxis tickFormatter={(v: number) => number.format(v)} />
          <Tooltip
            labelFormatter={(t) => formatDateTime(new Date(Number(t)).toISOString())}
            formatter={(v) => number.format(Number(v))}
          />
          <Legend />
          {series.map((s, i) => (
            <Line
              key={s.name}
              data={s.points}
              dataKey="value"
              name={s.name}
              stroke={lineColours[i % lineColours.length]}
              dot
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  )
}

const IGNORE = ''

function ImportSection() {
  const { organisation } = useCurrentOrganisation()
  const preview = usePreviewMetricsImport(organisation.slug)
  const run = useImportMetrics(organisation.slug)
  const [file, setFile] = useState<{ name: string; text: string } | null>(null)
  const [asOf, setAsOf] = useState(todayIso())
  const [mapping, setMapping] = useState<Mapping | null>(null)
  const [readError, setReadError] = useState<string | null>(null)

  const request = (m: Mapping | null): MetricsImportRequest | null =>
    file ? { filename: file.name, csv: file.text, asOf, ...(m ? { mapping: m } : {}) } : null

  async function choose(f: File | null) {
    setMapping(null)
    preview.reset()
    run.reset()
    setReadError(null)
    if (!f) return setFile(null)
    try {
      const chosen = { name: f.name, text: await f.text() }
      setFile(chosen)
      preview.mutate({ filename: chosen.name, csv: chosen.text, asOf })
    } catch {
      setReadError('The file could not be read.')
    }
  }

  const shown: ImportPreview | undefined = run.data ?? preview.data
  return (
    <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="engagement-import-heading">
      <Title order={2} size="h4" id="engagement-import-heading" mb="xs">
        Import an analytics export
      </Title>
      <Text size="sm" mb="sm">
        Export a CSV from YouTube Studio (Advanced mode → Export current view), Meta Business Suite (Insights
        → Content → Export) or X analytics, then choose it here. Rows are matched to items by the post’s id or
        link. Importing the same file again replaces its figures; nothing is counted twice.
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 2 }} mb="sm">
        <FileInput
          label="CSV file"
          accept=".csv,text/csv"
          placeholder="Choose a file"
          onChange={choose}
          clearable
        />
        <TextInput
          label="Figures as of"
          type="date"
          value={asOf}
          onChange={(e) => setAsOf(e.currentTarget.value)}
          description="The day the export was taken"
        />
      </SimpleGrid>
      {readError && <Alert color="red">{readError}</Alert>}
      {preview.isError && <Alert color="red">{errorMessage(preview.error)}</Alert>}
      {run.isError && <Alert color="red">{errorMessage(run.error)}</Alert>}
      {preview.isPending && <PageLoader label="Reading the file" />}
      {shown && shown.layout === null && (
        <MappingForm
          headers={shown.headers}
          onSubmit={(m) => {
            setMapping(m)
            const body = request(m)
            if (body) preview.mutate(body)
          }}
        />
      )}
      {shown && shown.layout !== null && (
        <Stack gap="sm">
          <Group gap="xs">
            <Text fw={500}>{shown.label}</Text>
            <Badge color="green">{shown.counts.matched} matched</Badge>
            <Badge color="gray">{shown.counts.unmatched} not Rounds’ posts</Badge>
            <Badge color="red">{shown.counts.errors} with errors</Badge>
          </Group>
          {run.data ? (
            <Alert color="green">
              Imported {run.data.valuesWritten} figures from {run.data.counts.matched} rows, as of{' '}
              {run.data.asOf}.
            </Alert>
          ) : (
            <Group>
              <Button
                disabled={shown.counts.matched === 0}
                loading={run.isPending}
                onClick={() => {
                  const body = request(mapping)
                  if (body) run.mutate(body)
                }}
              >
                Import {shown.counts.matched} matched rows
              </Button>
              {mapping && (
                <Button variant="subtle" onClick={() => preview.reset()}>
                  Change columns
                </Button>
              )}
            </Group>
          )}
          <PreviewTable preview={shown} />
        </Stack>
      )}
    </Card>
  )
}

function MappingForm({ headers, onSubmit }: { headers: string[]; onSubmit: (m: Mapping) => void }) {
  const [idColumn, setIdColumn] = useState<string | null>(null)
  const [urlColumn, setUrlColumn] = useState<string | null>(null)
  const [metrics, setMetrics] = useState<Record<string, string>>({})
  const options = headers.map((h) => ({ value: h, label: h }))
  const chosen = Object.fromEntries(
    Object.entries(metrics).filter(([, m]) => m !== IGNORE),
  ) as Mapping['metrics']
  return (
    <Stack gap="sm">
      <Alert color="blue">
        Rounds does not recognise this file’s columns. Say which column holds the post’s id or link, and which
        columns are which figures.
      </Alert>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Select label="Post id column" data={options} value={idColumn} onChange={setIdColumn} clearable />
        <Select label="Post link column" data={options} value={urlColumn} onChange={setUrlColumn} clearable />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        {headers
          .filter((h) => h !== idColumn && h !== urlColumn)
          .map((h) => (
            <Select
              key={h}
              label={h}
              data={[
                { value: IGNORE, label: 'Ignore' },
                ...metricOrder.map((m) => ({ value: m, label: metricLabels[m] })),
              ]}
              value={metrics[h] ?? IGNORE}
              onChange={(v) => setMetrics({ ...metrics, [h]: v ?? IGNORE })}
              allowDeselect={false}
            />
          ))}
      </SimpleGrid>
      <Group>
        <Button
          disabled={(!idColumn && !urlColumn) || Object.keys(chosen).length === 0}
          onClick={() =>
            onSubmit({
              ...(idColumn ? { idColumn } : {}),
              ...(urlColumn ? { urlColumn } : {}),
              metrics: chosen,
            })
          }
        >
          Preview with these columns
        </Button>
      </Group>
    </Stack>
  )
}

const statusColour = { matched: 'green', unmatched: 'gray', error: 'red' } as const

function PreviewTable({ preview }: { preview: ImportPreview }) {
  return (
    <ScrollArea h={360}>
      <Table aria-label="Import preview" stickyHeader>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Row</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Post</Table.Th>
            <Table.Th>Item</Table.Th>
            <Table.Th>Figures</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {preview.rows.map((r) => (
            <Table.Tr key={r.row}>
              <Table.Td>{r.row}</Table.Td>
              <Table.Td>
                <Badge color={statusColour[r.status]} variant="light">
                  {r.status === 'unmatched' ? 'not matched' : r.status}
                </Badge>
              </Table.Td>
              <Table.Td style={{ wordBreak: 'break-all' }}>{r.postId ?? r.url ?? '–'}</Table.Td>
              <Table.Td>
                {r.itemTitle ? `${r.itemTitle} (${channelLabels[r.channel ?? ''] ?? r.channel})` : '–'}
              </Table.Td>
              <Table.Td>
                {r.errors.length > 0 ? (
                  <Text size="sm" c="red">
                    Row {r.row} {r.errors.join('; ')}
                  </Text>
                ) : (
                  (Object.entries(r.metrics) as [Metric, number][])
                    .map(([m, v]) => `${metricLabels[m]} ${number.format(v)}`)
                    .join(' · ')
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea>
  )
}
