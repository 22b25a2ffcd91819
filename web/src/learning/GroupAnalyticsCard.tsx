import { Card, ScrollArea, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core'
import { useMemo, useState } from 'react'
import {
  Bar,
  BarChart,
  CartesianGrid,
  LabelList,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts'
import { type AnalyticsGroup, useAnalyticsGroups } from '../api/itemLearning.ts'
import { useCurrentOrganisation } from '../org/OrganisationContext.tsx'
import { ErrorState, PageLoader } from '../shell/Page.tsx'
import { SMALL_N } from './ItemLearningCard.tsx'

const colours = ['#1c7ed6', '#e8590c', '#2f9e44', '#ae3ec9', '#f08c00', '#0c8599', '#c2255c', '#5c940d']
const number = new Intl.NumberFormat()
const pct = (x: number | null) => (x === null ? '–' : `${Math.round(x * 100)}%`)
const pts = (x: number | null) =>
  x === null ? '–' : `${x > 0 ? '+' : x < 0 ? '−' : ''}${Math.abs(Math.round(x * 100))}`

/** Learning gain and reach compared across the organisation's series or channels. */
export function GroupAnalyticsCard() {
  const { organisation } = useCurrentOrganisation()
  const [by, setBy] = useState<'series' | 'channel'>('series')
  const groups = useAnalyticsGroups(organisation.slug, by)
  return (
    <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="group-analytics-heading">
      <Title order={2} size="h4" id="group-analytics-heading" mb="xs">
        Learning and reach by {by === 'series' ? 'series' : 'channel'}
      </Title>
      <SegmentedControl
        aria-label="Group by"
        value={by}
        onChange={(v) => setBy(v === 'channel' ? 'channel' : 'series')}
        data={[
          { value: 'series', label: 'Series' },
          { value: 'channel', label: 'Channel' },
        ]}
        mb="sm"
      />
      {groups.isPending ? (
        <PageLoader />
      ) : groups.isError ? (
        <ErrorState error={groups.error} onRetry={() => groups.refetch()} />
      ) : groups.data.groups.length === 0 ? (
        <Text c="dimmed">No item has learners or published posts yet.</Text>
      ) : (
        <GroupFigures groups={groups.data.groups} by={by} />
      )}
    </Card>
  )
}

function GroupFigures({ groups, by }: { groups: AnalyticsGroup[]; by: 'series' | 'channel' }) {
  const gainBars = groups.map((g) => ({
    label: g.label,
    gain: g.learning.meanGain === null ? null : Math.round(g.learning.meanGain * 1000) / 10,
    n: `n = ${g.learning.nPrePost}`,
  }))
  const weekly = useMemo(() => {
    const weeks = new Map<string, Record<string, number | string>>()
    for (const g of groups)
      for (const w of g.reach) {
        const row = weeks.get(w.week) ?? { week: w.week }
        row[g.key] = w.views
        weeks.set(w.week, row)
      }
    return [...weeks.values()].sort((a, b) => String(a.week).localeCompare(String(b.week)))
  }, [groups])
  return (
    <Stack gap="md">
      {by === 'channel' && (
        <Text size="sm" c="dimmed">
          An item published on several channels counts on each, with all its learners: Rounds does not know
          which channel a learner came from.
        </Text>
      )}
      <ScrollArea>
        <Table striped aria-label={`Learning and reach per ${by}`}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{by === 'series' ? 'Series' : 'Channel'}</Table.Th>
              <Table.Th style={{ textAlign: 'right' }}>Items</Table.Th>
              <Table.Th style={{ textAlign: 'right' }}>Learners</Table.Th>
              <Table.Th style={{ textAlign: 'right' }}>Pre / post / delayed n</Table.Th>
              <Table.Th style={{ textAlign: 'right' }}>Gain (points)</Table.Th>
              <Table.Th style={{ textAlign: 'right' }}>Normalised gain</Table.Th>
              <Table.Th style={{ textAlign: 'right' }}>Retention (points)</Table.Th>
              <Table.Th style={{ textAlign: 'right' }}>Completion</Table.Th>
              <Table.Th style={{ textAlign: 'right' }}>Views</Table.Th>
              <Table.Th style={{ textAlign: 'right' }}>Likes</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {groups.map((g) => (
              <Table.Tr key={g.key}>
                <Table.Td>{g.label}</Table.Td>
                <Table.Td style={{ textAlign: 'right' }}>{g.items}</Table.Td>
                <Table.Td style={{ textAlign: 'right' }}>{g.learning.learners}</Table.Td>
                <Table.Td style={{ textAlign: 'right' }}>
                  {g.learning.n.pre} / {g.learning.n.post} / {g.learning.n.delayed}
                </Table.Td>
                <Table.Td style={{ textAlign: 'right' }}>
                  {pts(g.learning.meanGain)}
                  {g.learning.nPrePost < SMALL_N && g.learning.nPrePost > 0 ? ' (few)' : ''}
                </Table.Td>
                <Table.Td style={{ textAlign: 'right' }}>
                  {g.learning.meanNormalisedGain === null ? '–' : g.learning.meanNormalisedGain.toFixed(2)}
                </Table.Td>
                <Table.Td style={{ textAlign: 'right' }}>{pts(g.learning.meanRetention)}</Table.Td>
                <Table.Td style={{ textAlign: 'right' }}>{pct(g.learning.completionRate)}</Table.Td>
                <Table.Td style={{ textAlign: 'right' }}>{number.format(g.totals.views)}</Table.Td>
                <Table.Td style={{ textAlign: 'right' }}>{number.format(g.totals.likes)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea>
      <div
        style={{ width: '100%', height: 260 }}
        role="img"
        aria-label={`Mean learning gain per ${by}: ${gainBars.map((b) => `${b.label} ${b.gain ?? 'none'} points (${b.n})`).join(', ')}`}
      >
        <ResponsiveContainer>
          <BarChart data={gainBars} margin={{ top: 24, right: 16, bottom: 8, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="label" tick={{ fontSize: 11 }} interval={0} />
            <YAxis tickFormatter={(v: number) => `${v}`} />
            <Tooltip formatter={(v) => `${v} points`} />
            <Bar dataKey="gain" name="Mean gain (points)" fill="#1c7ed6" isAnimationActive={false}>
              <LabelList dataKey="n" position="top" fontSize={11} />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
      {weekly.length > 0 && (
        <div style={{ width: '100%', height: 280 }} role="img" aria-label={`Views per ${by} by week`}>
          <ResponsiveContainer>
            <LineChart data={weekly} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="week" tick={{ fontSize: 11 }} />
              <YAxis tickFormatter={(v: number) => number.format(v)} />
              <Tooltip formatter={(v) => number.format(Number(v))} />
              <Legend />
              {groups.map((g, i) => (
                <Line
                  key={g.key}
                  dataKey={g.key}
                  name={g.label}
                  stroke={colours[i % colours.length]}
                  dot={false}
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
    </Stack>
  )
}
