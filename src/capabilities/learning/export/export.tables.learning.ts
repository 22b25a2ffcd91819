import { itemKinds } from '#src/capabilities/content/content.schema.ts'
import { featuresOf } from '#src/capabilities/learning/analysis/research.service.ts'
import { metricNames } from '#src/capabilities/learning/metrics/metrics.schema.ts'
import { summariseGain } from '#src/capabilities/learning/quizzes/quiz.scoring.ts'
import { type ExportAttemptRow, listAttempts, listSessions, listSnapshots } from './export.repository.ts'
import { dropSmallItems, suppressCells, suppressedColumn } from './export.suppression.ts'
import type { ExportColumn, ExportContext, ExportItem, ExportRow, ExportTable } from './export.tables.ts'

/** The four tables built from content, engagement and quizzes. */

const DAY = 86_400_000
const quizKinds = ['pre', 'post', 'delayed'] as const
type QuizKind = (typeof quizKinds)[number]

const col = (
  name: string,
  type: ExportColumn['type'],
  description: string,
  o: { unit?: string; allowed?: string; suppression?: string } = {},
): ExportColumn => ({
  name,
  type,
  unit: o.unit ?? '',
  allowed: o.allowed ?? '',
  description,
  suppression: o.suppression ?? 'none',
})

const PERIOD = 'YYYY-MM (or YYYY-MM-DD when the export was made by day), UTC'
const itemIdColumn = col(
  'item_id',
  'string',
  "The item's public id (it appears in the item's public URL; items are published content).",
  { allowed: 'UUID' },
)

// --- items.csv -------------------------------------------------------------------------------

export const itemsTable: ExportTable = {
  name: 'items',
  grain: 'One row per published item in the date range: its content features.',
  disclosure: 'none',
  columns: [
    itemIdColumn,
    col('url', 'string', "The item's public page on Rounds.", { allowed: 'https URL' }),
    col('kind', 'string', 'The item format, as its author chose it.', {
      allowed: itemKinds.join(' | '),
    }),
    col('words', 'integer', 'Words in the body and all thread parts (tokens containing a letter or digit).', {
      unit: 'words',
      allowed: '≥ 0',
    }),
    col(
      'hook_words',
      'integer',
      'Words in the opening sentence (or line): what a scrolling viewer reads first.',
      {
        unit: 'words',
        allowed: '≥ 0',
      },
    ),
    col('topic', 'string', "The item's first topic; empty when none was chosen.", {
      allowed: "Rounds' topic list, or empty",
    }),
    col('voice', 'string', 'Whether the item speaks in a personal or a professional voice.', {
      allowed: 'personal | professional',
    }),
    col('has_quiz', 'boolean', 'The item carries a quiz with at least one question.', {
      allowed: 'true | false',
    }),
    col('captions', 'boolean', 'The item has captions (video).', { allowed: 'true | false' }),
    col('presenter_profession', 'string', "The author's declared profession; empty when not declared.", {
      allowed: "Rounds' profession list, or empty",
    }),
    col('series_id', 'string', 'The series the item belongs to; empty when none.', {
      allowed: 'UUID or empty',
    }),
    col('series_title', 'string', "The series' published title; empty when none.", {}),
    col('channels', 'string', 'The channels the item was published to, sorted.', {
      allowed: "channel ids separated by ';'",
    }),
    col('published', 'period', 'When the first of its posts went out, coarsened to the export granularity.', {
      allowed: PERIOD,
    }),
  ],
  async rows(ctx) {
    const rows = (await ctx.items()).map((item): ExportRow => {
      const f = featuresOf(item.kind, item.fields, item.profession as Parameters<typeof featuresOf>[2])
      return {
        item_id: item.id,
        url: `${ctx.publicBaseUrl}/orgs/${encodeURIComponent(ctx.organisationSlug)}/items/${item.id}`,
        kind: f.kind,
        words: f.words,
        hook_words: f.hookWords,
        topic: f.topic,
        voice: f.personal ? 'personal' : 'professional',
        has_quiz: f.hasQuiz,
        captions: f.captions,
        presenter_profession: f.profession,
        series_id: item.seriesId,
        series_title: item.seriesTitle,
        channels: item.channels.join(';'),
        published: ctx.period(item.firstPublishedAt),
      }
    })
    return { rows }
  },
}

// --- engagement.csv ----------------------------------------------------------------------------

export const engagementTable: ExportTable = {
  name: 'engagement',
  grain:
    'One row per item × channel × metric × period with a snapshot: the value at the end of the period, summed over the posts on that channel.',
  disclosure: 'none',
  columns: [
    itemIdColumn,
    col('channel', 'string', 'The platform the posts are on.', {
      allowed: 'channel id (mastodon, bluesky, x, …)',
    }),
    col('metric', 'string', 'The engagement metric.', { allowed: metricNames.join(' | ') }),
    col('period', 'period', 'The period the value stands at the end of.', { allowed: PERIOD }),
    col(
      'value',
      'number',
      "The latest value known at the end of the period, summed over the item's posts on the channel (averageViewSeconds: averaged over the posts). A value read by the platform's API and imported from a CSV at the same instant counts once (the API's).",
      { unit: 'count, or seconds for watchTimeSeconds and averageViewSeconds', allowed: '≥ 0' },
    ),
    col('posts', 'integer', 'Posts contributing a value (a thread counts each part it was read from).', {
      unit: 'posts',
      allowed: '≥ 1',
    }),
    col(
      'latest',
      'boolean',
      'This row is the latest period of the item × channel × metric (its latest value).',
      {
        allowed: 'true | false',
      },
    ),
  ],
  async rows(ctx) {
    const items = new Set((await ctx.items()).map((i) => i.id))
    const until = ctx.until.getTime()
    const seen = new Set<string>()
    // item × channel × metric → post → [period, value] oldest first
    const groups = new Map<
      string,
      { itemId: string; channel: string; metric: string; posts: Map<string, [string, number][]> }
    >()
    for (const s of await ctx.memo('snapshots', () => listSnapshots(ctx.db, ctx.organisationId))) {
      if (!items.has(s.itemId) || Date.parse(s.at) > until) continue
      const dedupe = `${s.itemId}\u0000${s.channel}\u0000${s.remoteId}\u0000${s.metric}\u0000${s.at}`
      if (seen.has(dedupe)) continue
      seen.add(dedupe)
      const key = `${s.itemId}\u0000${s.channel}\u0000${s.metric}`
      const g = groups.get(key) ?? {
        itemId: s.itemId,
        channel: s.channel,
        metric: s.metric,
        posts: new Map(),
      }
      const list = g.posts.get(s.remoteId) ?? []
      list.push([ctx.period(s.at), s.value])
      g.posts.set(s.remoteId, list)
      groups.set(key, g)
    }
    const rows: ExportRow[] = []
    for (const g of groups.values()) {
      const periods = [...new Set([...g.posts.values()].flatMap((l) => l.map(([p]) => p)))].sort()
      for (const [i, period] of periods.entries()) {
        const values: number[] = []
        for (const list of g.posts.values()) {
          let v: number | null = null
          for (const [p, x] of list) if (p <= period) v = x
          if (v !== null) values.push(v)
        }
        const sum = values.reduce((a, b) => a + b, 0)
        rows.push({
          item_id: g.itemId,
          channel: g.channel,
          metric: g.metric,
          period,
          value: g.metric === 'averageViewSeconds' ? sum / values.length : sum,
          posts: values.length,
          latest: i === periods.length - 1,
        })
      }
    }
    rows.sort(
      (a, b) =>
        String(a.item_id).localeCompare(String(b.item_id)) ||
        String(a.channel).localeCompare(String(b.channel)) ||
        String(a.metric).localeCompare(String(b.metric)) ||
        String(a.period).localeCompare(String(b.period)),
    )
    return { rows }
  },
}

// --- quiz_results.csv ---------------------------------------------------------------------------

type LearnerItem = {
  itemId: string
  learnerId: string
  /** The latest attempt of each kind (a retake replaces an earlier one). */
  attempts: Partial<Record<QuizKind, ExportAttemptRow>>
}

/** Each learner's latest attempt of each kind on each item in scope, up to `until`. */
async function learnerItems(ctx: ExportContext): Promise<LearnerItem[]> {
  return ctx.memo('learner-items', async () => {
    const items = new Set((await ctx.items()).map((i) => i.id))
    const until = ctx.until.getTime()
    const byKey = new Map<string, LearnerItem>()
    for (const a of await listAttempts(ctx.db, ctx.organisationId)) {
      if (!items.has(a.itemId) || Date.parse(a.at) > until) continue
      if (!(quizKinds as readonly string[]).includes(a.kind)) continue
      const key = `${a.itemId}\u0000${a.learnerId}`
      const e = byKey.get(key) ?? { itemId: a.itemId, learnerId: a.learnerId, attempts: {} }
      e.attempts[a.kind as QuizKind] = a
      byKey.set(key, e)
    }
    return [...byKey.values()]
  })
}

const scaledOf = (a: ExportAttemptRow) => (a.max > 0 ? a.raw / a.max : 0)

export const quizResultsTable: ExportTable = {
  name: 'quiz_results',
  grain:
    'One row per learner × item × quiz kind: the learner’s latest attempt of that kind. Items with fewer than k learners are left out.',
  disclosure: 'rows',
  columns: [
    col(
      'learner',
      'string',
      'Pseudonymous learner id: HMAC-SHA-256 of the internal learner id under a random key made for this export and never stored. Stable within this export; the same learner has a different pseudonym in every other export.',
      { allowed: '16 hex characters' },
    ),
    itemIdColumn,
    col('quiz_kind', 'string', 'Which quiz: before the item, right after it, or some days later.', {
      allowed: 'pre | post | delayed',
    }),
    col('raw', 'integer', 'Questions answered exactly right (partial credit is not counted).', {
      unit: 'questions',
      allowed: '0 to max',
    }),
    col('max', 'integer', 'Questions in the quiz.', { unit: 'questions', allowed: '≥ 0' }),
    col('scaled', 'number', 'raw / max (0 when the quiz has no questions).', {
      unit: 'proportion',
      allowed: '0–1',
    }),
    col(
      'days_since_pre',
      'integer',
      "Whole days from the same learner's pre quiz on the item to this attempt (0 for the pre quiz itself); empty when the learner took no pre quiz.",
      { unit: 'days', allowed: '≥ 0, or empty' },
    ),
    col('taken', 'period', 'When the attempt was made, coarsened to the export granularity.', {
      allowed: PERIOD,
    }),
  ],
  async rows(ctx) {
    const rows: ExportRow[] = []
    for (const li of await learnerItems(ctx)) {
      const pre = li.attempts.pre
      for (const kind of quizKinds) {
        const a = li.attempts[kind]
        if (!a) continue
        rows.push({
          learner: ctx.pseudonym(li.learnerId),
          item_id: li.itemId,
          quiz_kind: kind,
          raw: a.raw,
          max: a.max,
          scaled: scaledOf(a),
          days_since_pre: pre ? Math.max(0, Math.floor((Date.parse(a.at) - Date.parse(pre.at)) / DAY)) : null,
          taken: ctx.period(a.at),
        })
      }
    }
    const kept = dropSmallItems(
      rows,
      (r) => String(r.item_id),
      (r) => String(r.learner),
      ctx.params.k,
    )
    // Sorted by pseudonym within an item, so row order says nothing about who came first.
    kept.rows.sort(
      (a, b) =>
        String(a.item_id).localeCompare(String(b.item_id)) ||
        String(a.learner).localeCompare(String(b.learner)) ||
        quizKinds.indexOf(a.quiz_kind as QuizKind) - quizKinds.indexOf(b.quiz_kind as QuizKind),
    )
    return kept
  },
}

// --- learning_summary.csv -----------------------------------------------------------------------

const countRule = 'Blank and listed in _suppressed when 1 to k − 1.'
const meanRule = (n: string) => `Blank and listed in _suppressed when ${n} is under k.`

export const learningSummaryTable: ExportTable = {
  name: 'learning_summary',
  grain: 'One row per published item in the date range: learners at each step and the learning measures.',
  disclosure: 'aggregate',
  columns: [
    itemIdColumn,
    col('learners', 'integer', 'Distinct learners who opened the item’s quiz (a learning session).', {
      unit: 'learners',
      allowed: '≥ 0',
      suppression: countRule,
    }),
    ...quizKinds.flatMap((k) => [
      col(`n_${k}`, 'integer', `Learners with a ${k} quiz score.`, {
        unit: 'learners',
        allowed: '≥ 0',
        suppression: countRule,
      }),
      col(`mean_${k}`, 'number', `Mean scaled ${k} score (each learner's latest ${k} attempt).`, {
        unit: 'proportion',
        allowed: '0–1, or empty',
        suppression: meanRule(`n_${k}`),
      }),
    ]),
    col('n_pre_post', 'integer', 'Learners with both a pre and a post score.', {
      unit: 'learners',
      allowed: '≥ 0',
      suppression: countRule,
    }),
    col('mean_gain', 'number', 'Mean of (post − pre) scaled scores, each learner paired with themself.', {
      unit: 'proportion',
      allowed: '−1–1, or empty',
      suppression: meanRule('n_pre_post'),
    }),
    col('n_normalised', 'integer', 'Learners with pre and post whose pre score was below the maximum.', {
      unit: 'learners',
      allowed: '≥ 0',
      suppression: countRule,
    }),
    col(
      'mean_normalised_gain',
      'number',
      "Mean of Hake's normalised gain (post − pre) / (1 − pre) over learners whose pre score was below the maximum.",
      {
        unit: 'proportion of possible gain',
        allowed: '≤ 1, or empty',
        suppression: meanRule('n_normalised'),
      },
    ),
    col('n_retention', 'integer', 'Learners with both a post and a delayed score.', {
      unit: 'learners',
      allowed: '≥ 0',
      suppression: countRule,
    }),
    col(
      'mean_retention',
      'number',
      'Mean of (delayed − post) scaled scores: negative when learners forgot.',
      {
        unit: 'proportion',
        allowed: '−1–1, or empty',
        suppression: meanRule('n_retention'),
      },
    ),
    col('completion_rate', 'number', 'n_post / learners: the share of learners who took the post quiz.', {
      unit: 'proportion',
      allowed: '0–1, or empty',
      suppression:
        'Blank and listed in _suppressed when learners is under k, or when n_post is suppressed (so n_post cannot be recovered from it).',
    }),
    suppressedColumn,
  ],
  async rows(ctx) {
    const k = ctx.params.k
    const until = ctx.until.getTime()
    const learners = new Map<string, Set<string>>()
    for (const s of await listSessions(ctx.db, ctx.organisationId)) {
      if (Date.parse(s.at) > until) continue
      const set = learners.get(s.itemId) ?? new Set<string>()
      set.add(s.learnerId)
      learners.set(s.itemId, set)
    }
    const scores = new Map<string, { pre: number | null; post: number | null; delayed: number | null }[]>()
    for (const li of await learnerItems(ctx)) {
      const list = scores.get(li.itemId) ?? []
      const of = (kind: QuizKind) => {
        const a = li.attempts[kind]
        return a ? scaledOf(a) : null
      }
      list.push({ pre: of('pre'), post: of('post'), delayed: of('delayed') })
      scores.set(li.itemId, list)
    }
    let suppressed = 0
    const rows = (await ctx.items()).map((item: ExportItem) => {
      const list = scores.get(item.id) ?? []
      const g = summariseGain(list, 1)
      const mean = (kind: QuizKind) => {
        const xs = list.map((s) => s[kind]).filter((x): x is number => x !== null)
        return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null
      }
      const n = learners.get(item.id)?.size ?? 0
      const raw: ExportRow = {
        item_id: item.id,
        learners: n,
        n_pre: g.n.pre,
        mean_pre: mean('pre'),
        n_post: g.n.post,
        mean_post: mean('post'),
        n_delayed: g.n.delayed,
        mean_delayed: mean('delayed'),
        n_pre_post: g.nPrePost,
        mean_gain: g.meanGain,
        n_normalised: g.nNormalised,
        mean_normalised_gain: g.meanNormalisedGain,
        n_retention: g.nRetention,
        mean_retention: g.meanRetention,
        completion_rate: n ? g.n.post / n : null,
      }
      const count = (x: number) => ({ n: x, isCount: true })
      const postHidden = g.n.post > 0 && g.n.post < k
      const out = suppressCells(
        raw,
        {
          learners: count(n),
          n_pre: count(g.n.pre),
          mean_pre: { n: g.n.pre },
          n_post: count(g.n.post),
          mean_post: { n: g.n.post },
          n_delayed: count(g.n.delayed),
          mean_delayed: { n: g.n.delayed },
          n_pre_post: count(g.nPrePost),
          mean_gain: { n: g.nPrePost },
          n_normalised: count(g.nNormalised),
          mean_normalised_gain: { n: g.nNormalised },
          n_retention: count(g.nRetention),
          mean_retention: { n: g.nRetention },
          completion_rate: { n: postHidden ? 0 : n },
        },
        k,
      )
      suppressed += out.suppressed
      return out.row
    })
    return { rows, suppressedCells: suppressed }
  },
}
