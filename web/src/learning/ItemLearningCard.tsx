import { Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core'
import { Bar, BarChart, CartesianGrid, LabelList, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { type ItemLearningSummary, useItemLearningSummary } from '../api/itemLearning.ts'
import { useCurrentOrganisation } from '../org/OrganisationContext.tsx'
import { ErrorState, PageLoader } from '../shell/Page.tsx'

/** Below this many paired learners a mean says little; the card says so in words. */
export const SMALL_N = 10

const percent = (x: number | null) => (x === null ? '–' : `${Math.round(x * 100)}%`)
const points = (x: number | null) =>
  x === null ? '–' : `${x > 0 ? '+' : x < 0 ? '−' : ''}${Math.abs(Math.round(x * 100))} points`

export type StepBar = { step: string; score: number | null; n: number; label: string }

/** The mean score at each quiz step, with its n, for the gain chart. */
export function stepBars(s: ItemLearningSummary): StepBar[] {
  const row = (step: string, score: number | null, n: number): StepBar => ({
    step,
    score: score === null ? null : Math.round(score * 1000) / 10,
    n,
    label: score === null ? `n = ${n}` : `${Math.round(score * 100)}% (n = ${n})`,
  })
  return [
    row('Before (pre)', s.meanScore.pre, s.gain.n.pre),
    row('After (post)', s.meanScore.post, s.gain.n.post),
    row('Later (delayed)', s.meanScore.delayed, s.gain.n.delayed),
  ]
}

/** How many learners reached each step, from opening the item to the delayed quiz. */
export function funnelBars(s: ItemLearningSummary): Array<{ step: string; n: number }> {
  return [
    { step: 'Opened', n: s.learners },
    { step: 'Pre quiz', n: s.gain.n.pre },
    { step: 'Post quiz', n: s.gain.n.post },
    { step: 'Delayed quiz', n: s.gain.n.delayed },
  ]
}

function Stat({ label, value, note }: { label: string; value: string; note: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700}>
        {value}
      </Text>
      <Text size="xs" c="dimmed">
        {note}
      </Text>
    </div>
  )
}

/** Learning gain, retention, completion and the n at each step of one item, as figures and charts. */
export function ItemLearningCard({ itemId }: { itemId: string }) {
  const { organisation } = useCurrentOrganisation()
  const summary = useItemLearningSummary(organisation.slug, itemId)
  return (
    <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="item-learning-heading">
      <Title order={2} size="h4" id="item-learning-heading" mb="xs">
        Learning
      </Title>
      {summary.isPending ? (
        <PageLoader />
      ) : summary.isError ? (
        <ErrorState error={summary.error} onRetry={() => summary.refetch()} />
      ) : !summary.data.hasQuiz && summary.data.gain.n.pre + summary.data.gain.n.post === 0 ? (
        <Text c="dimmed">This item has no quiz, so Rounds cannot measure what learners gained from it.</Text>
      ) : (
        <LearningFigures s={summary.data} />
      )}
    </Card>
  )
}

function LearningFigures({ s }: { s: ItemLearningSummary }) {
  const bars = stepBars(s)
  const funnel = funnelBars(s)
  const g = s.gain
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 2, sm: 4 }}>
        <Stat label="Learning gain" value={points(g.meanGain)} note={`mean post − pre, n = ${g.nPrePost}`} />
        <Stat
          label="Normalised gain"
          value={g.meanNormalisedGain === null ? '–' : g.meanNormalisedGain.toFixed(2)}
          note={`(post − pre)/(max − pre), n = ${g.nNormalised}`}
        />
        <Stat
          label="Retention"
          value={points(g.meanRetention)}
          note={`mean delayed − post, n = ${g.nRetention}`}
        />
        <Stat
          label="Completion"
          value={percent(s.completionRate)}
          note={`${g.n.post} of ${s.learners} took the post quiz`}
        />
      </SimpleGrid>
      {g.nPrePost < SMALL_N && (
        <Text size="sm" c="orange">
          {g.nPrePost === 0
            ? 'No learner has taken both the pre and the post quiz yet, so there is no gain to show.'
            : `Only ${g.nPrePost} learner${g.nPrePost === 1 ? ' has' : 's have'} taken both quizzes: too few to conclude anything about this item.`}
        </Text>
      )}
      <Group grow align="flex-start" wrap="wrap">
        <div style={{ minWidth: 280 }}>
          <Text fw={600} size="sm" mb={4}>
            Mean score at each step
          </Text>
          <div
            style={{ width: '100%', height: 260 }}
            role="img"
            aria-label={`Learning gain chart: mean score ${bars.map((b) => `${b.step} ${b.label}`).join(', ')}`}
          >
            <ResponsiveContainer>
              <BarChart data={bars} margin={{ top: 24, right: 16, bottom: 8, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="step" />
                <YAxis domain={[0, 100]} tickFormatter={(v: number) => `${v}%`} />
                <Tooltip formatter={(v) => `${v}%`} />
                <Bar dataKey="score" name="Mean score" fill="#1c7ed6" isAnimationActive={false}>
                  <LabelList dataKey="label" position="top" fontSize={12} />
                </Bar>
              </BarChart>
            </ResponsiveContainer>
          </div>
        </div>
        <div style={{ minWidth: 280 }}>
          <Text fw={600} size="sm" mb={4}>
            Learners at each step
          </Text>
          <div
            style={{ width: '100%', height: 260 }}
            role="img"
            aria-label={`Learners at each step: ${funnel.map((f) => `${f.step} ${f.n}`).join(', ')}`}
          >
            <ResponsiveContainer>
              <BarChart data={funnel} layout="vertical" margin={{ top: 8, right: 40, bottom: 8, left: 24 }}>
                <CartesianGrid strokeDasharray="3 3" horizontal={false} />
                <XAxis type="number" allowDecimals={false} />
                <YAxis type="category" dataKey="step" width={90} />
                <Tooltip />
                <Bar dataKey="n" name="Learners" fill="#37b24d" isAnimationActive={false}>
                  <LabelList dataKey="n" position="right" fontSize={12} />
                </Bar>
              </BarChart>
            </ResponsiveContainer>
          </div>
        </div>
      </Group>
    </Stack>
  )
}
