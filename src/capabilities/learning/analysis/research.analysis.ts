import type { Identity } from '#src/capabilities/accounts/accounts.schema.ts'
import type { ItemFields } from '#src/capabilities/content/content.schema.ts'
import { metricNames } from '#src/capabilities/learning/metrics/metrics.schema.ts'
import { hasQuiz } from '#src/capabilities/learning/quizzes/quiz.schema.ts'
import { professionLabels } from '#src/capabilities/standards/author-card.format.ts'
import type { ResearchCorrelation, ResearchModel, ResearchOutcome, ResearchView } from './research.schema.ts'
import {
  bootstrapCorrelations,
  drawResamples,
  MIN_PAIRS,
  ols,
  pearson,
  type ResampleCounts,
  spearman,
} from './statistics.ts'

/**
 * The research view's analysis: correlations with bootstrap intervals, scatter fits and the
 * models, from items already loaded. Pure and free of I/O, so it runs on a worker thread
 * (research.worker.ts) as well as in tests.
 */

export type MetricName = (typeof metricNames)[number]

/** Below this many items a figure is shown but not read: "too few items to say anything". */
export const FEW_ITEMS = 10
/** Below this many items the caption warns that the interval is wide. */
const SOME_ITEMS = 30
/** Every interval's seed: with the reported resamples it reproduces each interval exactly. */
export const BOOTSTRAP_SEED = 20_261_127
/**
 * Resamples per interval: 2,000 up to 1,000 items; fewer on larger sets, where each resample
 * costs more and the interval is narrow anyway, so the view stays quick. The count is reported.
 * The Monte Carlo error of a 2.5% or 97.5% endpoint is about 0.134·SE(r) at 400 resamples
 * (0.085·SE at 1,000, 0.060·SE at 2,000), with SE(r) about 1/√n: under 0.002 at every step of
 * this rule, below the two decimals the view shows (decision 022).
 */
export function resamplesFor(n: number): number {
  if (n <= 1000) return 2000
  return n <= 5000 ? 1000 : 400
}

const metricLabels: Record<MetricName, string> = {
  views: 'Views',
  impressions: 'Impressions',
  reach: 'Reach',
  likes: 'Likes',
  reposts: 'Reposts and shares',
  quotes: 'Quotes',
  replies: 'Replies and comments',
  saves: 'Saves',
  watchTimeSeconds: 'Watch time (s)',
  averageViewSeconds: 'Average view duration (s)',
}

const outcomeLabels: Record<ResearchOutcome, string> = {
  meanGain: 'mean learning gain (post − pre)',
  meanNormalisedGain: 'mean normalised gain',
}

export type ItemFeatures = {
  kind: string
  words: number
  hookWords: number
  topic: string | null
  personal: boolean
  hasQuiz: boolean
  captions: boolean
  /** The presenter's (author's) profession as on their author card; null when they gave none. */
  profession: Identity['profession']
}

const wordCount = (text: string) => text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length

/** Content features of an item, from its fields and its author's profession. */
export function featuresOf(
  kind: string,
  fields: Partial<ItemFields>,
  profession: Identity['profession'] = null,
): ItemFeatures {
  const parts = fields.parts ?? []
  const text = [fields.body ?? '', ...parts].join('\n')
  const first = (fields.body?.trim() ? fields.body : (parts[0] ?? '')).trim()
  // The hook: the opening sentence (or line) a scrolling viewer reads first.
  const hook = first.split(/(?<=[.!?])\s|\n/)[0] ?? ''
  return {
    kind,
    words: wordCount(text),
    hookWords: wordCount(hook),
    topic: fields.topics?.[0] ?? null,
    personal: fields.voice === 'personal',
    hasQuiz: hasQuiz(fields.quiz ?? null),
    captions: Boolean(fields.captions?.trim()),
    profession,
  }
}

export type ItemData = {
  id: string
  title: string
  features: ItemFeatures
  gain: number | null
  metrics: Partial<Record<MetricName, number>>
}

const fmt = (v: number) => (Math.abs(v) >= 0.995 ? v.toFixed(2) : v.toFixed(2).replace(/^(-?)0\./, '$1.'))

function strength(r: number): string {
  const a = Math.abs(r)
  if (a < 0.1) return 'no'
  if (a < 0.3) return 'a weak'
  if (a < 0.5) return 'a moderate'
  return 'a strong'
}

/** A plain-language reading of one correlation, honest about what n allows. */
export function correlationCaption(
  label: string,
  outcome: string,
  n: number,
  rho: { r: number; low: number | null; high: number | null } | null,
): string {
  if (n === 0) return `No item has both ${label.toLowerCase()} and a ${outcome} yet.`
  if (n < MIN_PAIRS)
    return `Only ${n} item${n === 1 ? '' : 's'} with both ${label.toLowerCase()} and a ${outcome}: no correlation is computed under ${MIN_PAIRS}.`
  if (!rho) return `${label} or the ${outcome} does not vary across these ${n} items: no correlation.`
  if (n < FEW_ITEMS) return `Too few items to say anything (n = ${n}; at least ${FEW_ITEMS} are needed).`
  const crossesZero = rho.low === null || rho.high === null || (rho.low <= 0 && rho.high >= 0)
  const interval =
    rho.low !== null && rho.high !== null ? ` (95% CI ${fmt(rho.low)} to ${fmt(rho.high)})` : ''
  const dir = rho.r > 0 ? 'positive' : 'negative'
  const body = crossesZero
    ? `No clear relation between ${label.toLowerCase()} and the ${outcome}: Spearman's rho ${fmt(rho.r)}${interval}, an interval that includes zero.`
    : `${strength(rho.r) === 'no' ? 'A negligible' : capital(strength(rho.r))} ${dir} relation between ${label.toLowerCase()} and the ${outcome}: Spearman's rho ${fmt(rho.r)}${interval}.`
  return n < SOME_ITEMS ? `${body} With ${n} items the interval is wide; read it as a hint.` : body
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

/**
 * The resamples for n pairs, drawn once per view: every metric with the same number of pairs uses
 * the same draws (as bootstrapPaired would with BOOTSTRAP_SEED), so they are drawn once.
 */
function resamplerFor() {
  const drawn = new Map<number, ResampleCounts>()
  return (n: number) => {
    let d = drawn.get(n)
    if (!d) {
      d = drawResamples(n, { seed: BOOTSTRAP_SEED, resamples: resamplesFor(n) })
      drawn.set(n, d)
    }
    return d
  }
}

function pairs(items: ItemData[], metric: MetricName) {
  const used = items.filter((i) => i.gain !== null && i.metrics[metric] !== undefined)
  return {
    used,
    x: used.map((i) => i.metrics[metric] as number),
    y: used.map((i) => i.gain as number),
  }
}

function correlations(items: ItemData[], outcome: string): ResearchCorrelation[] {
  const draws = resamplerFor()
  return metricNames.map((metric) => {
    const { x, y } = pairs(items, metric)
    const n = x.length
    const rp = n >= MIN_PAIRS ? pearson(x, y).r : null
    const rs = n >= MIN_PAIRS ? spearman(x, y).r : null
    // Pearson's r is undefined exactly when Spearman's rho is (a side without variation).
    const ci = rp !== null ? bootstrapCorrelations(x, y, { draws: draws(n) }) : null
    const p = rp !== null ? { r: rp, low: ci?.pearson?.low ?? null, high: ci?.pearson?.high ?? null } : null
    const s = rs !== null ? { r: rs, low: ci?.spearman?.low ?? null, high: ci?.spearman?.high ?? null } : null
    return {
      metric,
      n,
      pearson: p,
      spearman: s,
      caption: correlationCaption(metricLabels[metric], outcome, n, s),
    }
  })
}

function scatter(items: ItemData[]) {
  return metricNames.map((metric) => {
    const { used, x, y } = pairs(items, metric)
    const line = x.length >= MIN_PAIRS ? ols(y, [{ name: 'x', values: x }]) : null
    const slope = line?.coefficients.find((c) => c.name === 'x')
    return {
      metric,
      points: used.map((i, k) => ({ itemId: i.id, x: x[k] as number, y: y[k] as number })),
      fit:
        line && slope
          ? { intercept: (line.coefficients[0] as { estimate: number }).estimate, slope: slope.estimate }
          : null,
    }
  })
}

type Predictor = { name: string; label: string; values: number[] }

/** The profession level of an author who gave none. */
const NOT_GIVEN = 'not_given'

/** A profession level as the model's labels read it: "doctor", "allied health professional". */
function professionName(level: string): string {
  if (level === NOT_GIVEN) return 'profession not given'
  const label = professionLabels[level as NonNullable<Identity['profession']>]
  return (label ?? 'other profession').toLowerCase()
}

/** Content features as model columns: indicators against the commonest level, words per 100. */
export function featureColumns(items: ItemData[]): Predictor[] {
  const feats = items.map((i) => i.features)
  const levels = (values: (string | null)[], min: number) => {
    const counts = new Map<string, number>()
    for (const v of values) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1)
    return [...counts.entries()]
      .filter(([, c]) => c >= min)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([v]) => v)
  }
  const kinds = levels(
    feats.map((f) => f.kind),
    1,
  )
  const topics = levels(
    feats.map((f) => f.topic),
    3,
  )
  const cols: Predictor[] = []
  const [refKind, ...otherKinds] = kinds
  for (const k of otherKinds)
    cols.push({
      name: `kind:${k}`,
      label: `Format: ${k} (vs ${refKind})`,
      values: feats.map((f) => +(f.kind === k)),
    })
  const [refTopic, ...otherTopics] = topics
  for (const t of otherTopics)
    cols.push({
      name: `topic:${t}`,
      label: `Topic: ${t} (vs ${refTopic} and rarer topics)`,
      values: feats.map((f) => +(f.topic === t)),
    })
  // The presenter's profession: one indicator per profession held by at least 3 items' authors,
  // against the commonest as the reference; "not given" is a level of its own, and rarer
  // professions count with the reference (the label says so when there are any).
  const professionOf = (f: ItemFeatures) => f.profession ?? NOT_GIVEN
  const professions = levels(feats.map(professionOf), 3)
  const [refProfession, ...otherProfessions] = professions
  const pooled = new Set(feats.map(professionOf)).size > professions.length
  for (const p of otherProfessions)
    cols.push({
      name: `profession:${p}`,
      label: `Presenter: ${professionName(p)} (vs ${professionName(refProfession as string)}${pooled ? ' and rarer professions' : ''})`,
      values: feats.map((f) => +(professionOf(f) === p)),
    })
  cols.push(
    { name: 'words', label: 'Length (per 100 words)', values: feats.map((f) => f.words / 100) },
    {
      name: 'hookWords',
      label: 'Hook length (words in the opening sentence)',
      values: feats.map((f) => f.hookWords),
    },
    {
      name: 'voice:personal',
      label: 'Personal voice (vs professional)',
      values: feats.map((f) => +f.personal),
    },
    { name: 'hasQuiz', label: 'Has a quiz', values: feats.map((f) => +f.hasQuiz) },
    { name: 'captions', label: 'Captions present', values: feats.map((f) => +f.captions) },
  )
  return cols
}

function model(items: ItemData[], outcome: string, outcomeLabel: string, y: number[]): ResearchModel {
  const n = items.length
  if (n < FEW_ITEMS)
    return {
      outcome,
      outcomeLabel,
      n,
      fit: null,
      caption: `Too few items to say anything (n = ${n}; a model needs at least ${FEW_ITEMS}).`,
    }
  const cols = featureColumns(items)
  const fit = ols(y, cols)
  if (!fit)
    return { outcome, outcomeLabel, n, fit: null, caption: 'The model could not be fitted to these items.' }
  const labels = new Map(cols.map((c) => [c.name, c.label]))
  const clear = fit.coefficients.filter((c) => c.name !== '(intercept)' && (c.low > 0 || c.high < 0))
  const perCoefficient =
    fit.df < 10 ? ` Only ${fit.df} residual degrees of freedom: the intervals are wide.` : ''
  const caption =
    (clear.length
      ? `Features whose 95% interval excludes zero: ${clear.map((c) => labels.get(c.name)).join('; ')}.`
      : 'No feature has a 95% interval that excludes zero.') +
    ` R² ${fit.rSquared.toFixed(2)} over ${n} items.${perCoefficient} These are associations across items, not causes.`
  return {
    outcome,
    outcomeLabel,
    n,
    fit: {
      df: fit.df,
      rSquared: fit.rSquared,
      dropped: fit.dropped.map((d) => labels.get(d) ?? d),
      coefficients: fit.coefficients.map((c) => ({
        name: c.name,
        label: c.name === '(intercept)' ? 'Intercept' : (labels.get(c.name) ?? c.name),
        estimate: c.estimate,
        standardError: c.standardError,
        low: c.low,
        high: c.high,
      })),
    },
    caption,
  }
}

/** Computes the research view from loaded items (pure apart from the inputs). */
export function analyse(
  items: ItemData[],
  outcome: ResearchOutcome,
): Omit<ResearchView, 'computedAt' | 'refreshing'> {
  const label = outcomeLabels[outcome]
  const withGain = items.filter((i) => i.gain !== null)
  const withViews = items.filter((i) => i.metrics.views !== undefined)
  const caption =
    withGain.length < FEW_ITEMS
      ? `Too few items to say anything: ${withGain.length} item${withGain.length === 1 ? ' has' : 's have'} a learning gain (pre and post quiz by the same learners); at least ${FEW_ITEMS} are needed.`
      : `${withGain.length} items have a learning gain. Correlations are across items, each item's ${label} against its latest engagement summed over its posts; they show association, not cause.`
  return {
    outcome,
    items: items.length,
    itemsWithGain: withGain.length,
    bootstrap: { resamples: resamplesFor(withGain.length), seed: BOOTSTRAP_SEED },
    caption,
    correlations: correlations(items, label),
    scatter: scatter(items),
    titles: Object.fromEntries(withGain.map((i) => [i.id, i.title])),
    models: [
      model(
        withGain,
        outcome,
        capital(label),
        withGain.map((i) => i.gain as number),
      ),
      model(
        withViews,
        'log10Views',
        'Views (log10 of 1 + views)',
        withViews.map((i) => Math.log10(1 + (i.metrics.views as number))),
      ),
    ],
  }
}
