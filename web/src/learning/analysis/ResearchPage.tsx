import {
  Alert,
  Card,
  Group,
  Loader,
  ScrollArea,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core'
import { useMemo, useState } from 'react'
import {
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Scatter,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts'
import { formatDateTime } from '../../lib/format.ts'
import { useCurrentOrganisation } from '../../org/OrganisationContext.tsx'
import { ErrorState, PageLoader, PageTitle } from '../../shell/Page.tsx'
import { ResearchExportPanel } from './ResearchExportPanel.tsx'
import { type ResearchOutcome, type ResearchView, useResearchView } from './research.api.ts'

type Metric = ResearchView['correlations'][number]['metric']
type Estimate = ResearchView['correlations'][number]['pearson']
type Model = ResearchView['models'][number]

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

const outcomeLabels: Record<ResearchOutcome, string> = {
  meanGain: 'Mean gain (post − pre)',
  meanNormalisedGain: 'Mean normalised gain',
}

const num = new Intl.NumberFormat(undefined, { maximumSignificantDigits: 3 })
const fixed = (v: number) => v.toFixed(2)

function estimateText(e: Estimate): string {
  if (!e) return '–'
  const ci = e.low !== null && e.high !== null ? ` (${fixed(e.low)} to ${fixed(e.high)})` : ' (no interval)'
  return `${fixed(e.r)}${ci}`
}

/**
 * Editors, admins and researchers: across the organisation's items, whether engagement goes with
 * learning. Correlations with bootstrap intervals, scatter plots with the fitted line, and models
 * of learning gain and of views on content features, each with a plain reading of what n allows.
 */
export function ResearchPage() {
  const { organisation } = useCurrentOrganisation()
  const [outcome, setOutcome] = useState<ResearchOutcome>('meanGain')
  const view = useResearchView(organisation.slug, outcome)
  return (
    <>
      <PageTitle description="Does reach go with learning? Each item's learning gain (pre and post quiz by the same learners) set against its latest engagement, with honest statistics: intervals, n, and a plain reading.">
        Research
      </PageTitle>
      <Stack gap="lg">
        <Group>
          <Text size="sm" fw={500} id="research-outcome-label">
            Learning measure
          </Text>
          <SegmentedControl
            aria-labelledby="research-outcome-label"
            value={outcome}
            onChange={(v) => setOutcome(v as ResearchOutcome)}
            data={(Object.keys(outcomeLabels) as ResearchOutcome[]).map((value) => ({
              value,
              label: outcomeLabels[value],
            }))}
          />
        </Group>
        {view.isPending ? (
          <PageLoader />
        ) : view.isError ? (
          <ErrorState error={view.error} onRetry={() => view.refetch()} />
        ) : (
          <ResearchBody view={view.data} />
        )}
        <ResearchExportPanel slug={organisation.slug} />
      </Stack>
    </>
  )
}

function ResearchBody({ view }: { view: ResearchView }) {
  const tooFew = view.caption.startsWith('Too few')
  return (
    <>
      <Alert
        color={tooFew ? 'yellow' : 'blue'}
        variant="light"
        title="What these numbers can say"
        role="status"
      >
        <Text size="sm">{view.caption}</Text>
        <Text size="xs" c="dimmed" mt={4}>
          {view.items} items with a gain or engagement figures; {view.itemsWithGain} with a learning gain.
          Computed {formatDateTime(view.computedAt)}; recomputed when quiz results, engagement, items or
          presenters change.
        </Text>
        {view.refreshing && (
          <Group gap="xs" mt={4}>
            <Loader size="xs" />
            <Text size="xs">
              Newer data has arrived since then; the figures are being recomputed and will update here.
            </Text>
          </Group>
        )}
      </Alert>
      <CorrelationTable view={view} />
      <ScatterCard view={view} />
      {view.models.map((m) => (
        <ModelCard key={m.outcome} model={m} />
      ))}
    </>
  )
}

function CorrelationTable({ view }: { view: ResearchView }) {
  return (
    <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="research-correlations">
      <Title order={2} size="h4" id="research-correlations" mb="xs">
        Engagement and learning
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Correlation of each metric with the{' '}
        {view.outcome === 'meanGain' ? 'mean gain' : 'mean normalised gain'} across items. In brackets: 95%
        bootstrap interval ({num.format(view.bootstrap.resamples)} resamples, seed {view.bootstrap.seed}). No
        correlation is computed under 3 items.
      </Text>
      <ScrollArea>
        <Table striped aria-label="Correlations of engagement with learning gain">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Metric</Table.Th>
              <Table.Th style={{ textAlign: 'right' }}>n</Table.Th>
              <Table.Th>Pearson r (95% CI)</Table.Th>
              <Table.Th>Spearman ρ (95% CI)</Table.Th>
              <Table.Th>Reading</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {view.correlations.map((c) => (
              <Table.Tr key={c.metric}>
                <Table.Td>{metricLabels[c.metric]}</Table.Td>
                <Table.Td style={{ textAlign: 'right' }}>{c.n}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{estimateText(c.pearson)}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{estimateText(c.spearman)}</Table.Td>
                <Table.Td>
                  <Text size="sm">{c.caption}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea>
    </Card>
  )
}

function ScatterCard({ view }: { view: ResearchView }) {
  const withPoints = view.scatter.filter((s) => s.points.length > 0)
  const initial = withPoints.find((s) => s.fit)?.metric ?? withPoints[0]?.metric ?? null
  const [chosen, setChosen] = useState<Metric | null>(null)
  const metric = chosen && withPoints.some((s) => s.metric === chosen) ? chosen : initial
  const scatter = view.scatter.find((s) => s.metric === metric)
  const correlation = view.correlations.find((c) => c.metric === metric)
  const line = useMemo(() => {
    if (!scatter?.fit || scatter.points.length === 0) return []
    const xs = scatter.points.map((p) => p.x)
    const lo = Math.min(...xs)
    const hi = Math.max(...xs)
    const { intercept, slope } = scatter.fit
    return [
      { x: lo, fit: intercept + slope * lo },
      { x: hi, fit: intercept + slope * hi },
    ]
  }, [scatter])
  return (
    <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="research-scatter">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4" id="research-scatter">
          Scatter
        </Title>
        {withPoints.length > 0 && (
          <Select
            aria-label="Metric on the horizontal axis"
            value={metric}
            onChange={(v) => setChosen(v as Metric | null)}
            allowDeselect={false}
            data={withPoints.map((s) => ({ value: s.metric, label: metricLabels[s.metric] }))}
            w={220}
          />
        )}
      </Group>
      {!scatter || !metric ? (
        <Text c="dimmed">No item has both engagement figures and a learning gain yet.</Text>
      ) : (
        <>
          <div
            style={{ width: '100%', height: 320 }}
            role="img"
            aria-label={`${metricLabels[metric]} against ${outcomeLabels[view.outcome].toLowerCase()}, one point per item${scatter.fit ? ', with the least-squares line' : ''}`}
          >
            <ResponsiveContainer>
              <ComposedChart margin={{ top: 8, right: 16, bottom: 16, left: 8 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis
                  type="number"
                  dataKey="x"
                  name={metricLabels[metric]}
                  domain={['auto', 'auto']}
                  tickFormatter={(v: number) => num.format(v)}
                  label={{ value: metricLabels[metric], position: 'insideBottom', offset: -8 }}
                />
                <YAxis
                  type="number"
                  domain={['auto', 'auto']}
                  tickFormatter={(v: number) => v.toFixed(2)}
                  width={56}
                  label={{ value: 'Gain', angle: -90, position: 'insideLeft' }}
                />
                <Tooltip
                  formatter={(v) => (typeof v === 'number' ? num.format(v) : String(v))}
                  labelFormatter={() => ''}
                />
                <Legend verticalAlign="top" />
                <Scatter
                  name="Items"
                  data={scatter.points.map((p) => ({
                    x: p.x,
                    y: p.y,
                    title: view.titles[p.itemId] ?? p.itemId,
                  }))}
                  dataKey="y"
                  fill="#1c7ed6"
                  isAnimationActive={false}
                />
                {line.length > 0 && (
                  <Line
                    name="Least-squares fit"
                    data={line}
                    dataKey="fit"
                    stroke="#e8590c"
                    dot={false}
                    strokeWidth={2}
                    isAnimationActive={false}
                  />
                )}
              </ComposedChart>
            </ResponsiveContainer>
          </div>
          <Text size="sm" mt="xs">
            {correlation?.caption}
          </Text>
          {!scatter.fit && (
            <Text size="xs" c="dimmed">
              No fitted line: it needs at least 3 items with some spread.
            </Text>
          )}
        </>
      )}
    </Card>
  )
}

function ModelCard({ model }: { model: Model }) {
  const id = `research-model-${model.outcome}`
  return (
    <Card withBorder padding="lg" radius="md" component="section" aria-labelledby={id}>
      <Title order={2} size="h4" id={id} mb={4}>
        Model: {model.outcomeLabel}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Ordinary least squares on content features, {model.n} items
        {model.fit
          ? `, R² ${model.fit.rSquared.toFixed(2)}, ${model.fit.df} residual degrees of freedom`
          : ''}
        .
      </Text>
      {model.fit && (
        <ScrollArea>
          <Table striped aria-label={`Coefficients: ${model.outcomeLabel}`}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Feature</Table.Th>
                <Table.Th style={{ textAlign: 'right' }}>Coefficient</Table.Th>
                <Table.Th style={{ textAlign: 'right' }}>95% CI</Table.Th>
                <Table.Th style={{ textAlign: 'right' }}>Std. error</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {model.fit.coefficients.map((c) => {
                const clear = c.name !== '(intercept)' && (c.low > 0 || c.high < 0)
                return (
                  <Table.Tr key={c.name}>
                    <Table.Td fw={clear ? 600 : undefined}>{c.label}</Table.Td>
                    <Table.Td style={{ textAlign: 'right' }}>{num.format(c.estimate)}</Table.Td>
                    <Table.Td style={{ textAlign: 'right', whiteSpace: 'nowrap' }}>
                      {num.format(c.low)} to {num.format(c.high)}
                    </Table.Td>
                    <Table.Td style={{ textAlign: 'right' }}>{num.format(c.standardError)}</Table.Td>
                  </Table.Tr>
                )
              })}
            </Table.Tbody>
          </Table>
        </ScrollArea>
      )}
      {model.fit && model.fit.dropped.length > 0 && (
        <Text size="xs" c="dimmed" mt="xs">
          Left out (the same for every item, a combination of others, or too few items):{' '}
          {model.fit.dropped.join('; ')}.
        </Text>
      )}
      <Text size="sm" mt="xs">
        {model.caption}
      </Text>
    </Card>
  )
}
