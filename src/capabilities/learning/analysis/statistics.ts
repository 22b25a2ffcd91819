/**
 * Statistics for the research view: correlation (Pearson, Spearman with average ranks for ties),
 * percentile bootstrap intervals from a seeded generator (the same data always gives the same
 * interval), and ordinary least squares with t-based intervals. Pure functions, no I/O.
 * Checked against vectors computed with NumPy/SciPy (test/fixtures/stats-vectors.json).
 */
import tQuantile from '@stdlib/stats-base-dists-t-quantile'
import { mean, sampleCorrelation } from 'simple-statistics'

/** No correlation is reported over fewer pairs than this. */
export const MIN_PAIRS = 3

export type Correlation = { r: number | null; n: number }

function finitePairs(x: readonly number[], y: readonly number[]): [number[], number[]] {
  if (x.length !== y.length) throw new RangeError('x and y differ in length')
  const a: number[] = []
  const b: number[] = []
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] as number
    const yi = y[i] as number
    if (Number.isFinite(xi) && Number.isFinite(yi)) {
      a.push(xi)
      b.push(yi)
    }
  }
  return [a, b]
}

function constant(v: readonly number[]): boolean {
  return v.every((e) => e === v[0])
}

/** Pearson's r over the pairs where both values are finite; null under 3 pairs or with no variation. */
export function pearson(x: readonly number[], y: readonly number[]): Correlation {
  const [a, b] = finitePairs(x, y)
  const n = a.length
  if (n < MIN_PAIRS || constant(a) || constant(b)) return { r: null, n }
  const r = sampleCorrelation(a, b)
  return { r: Math.max(-1, Math.min(1, r)), n }
}

/** Ranks from 1, ties given the mean of the ranks they span (as scipy.stats.rankdata 'average'). */
export function averageRanks(v: readonly number[]): number[] {
  const order = v.map((value, i) => ({ value, i })).sort((p, q) => p.value - q.value)
  const ranks = new Array<number>(v.length)
  let start = 0
  while (start < order.length) {
    let end = start
    while (
      end + 1 < order.length &&
      (order[end + 1] as { value: number }).value === (order[start] as { value: number }).value
    )
      end++
    const rank = (start + end) / 2 + 1
    for (let k = start; k <= end; k++) ranks[(order[k] as { i: number }).i] = rank
    start = end + 1
  }
  return ranks
}

/** Spearman's rho: Pearson's r of the average ranks. */
export function spearman(x: readonly number[], y: readonly number[]): Correlation {
  const [a, b] = finitePairs(x, y)
  if (a.length < MIN_PAIRS) return { r: null, n: a.length }
  return pearson(averageRanks(a), averageRanks(b))
}

/** Mulberry32: a small, fast, seeded generator of uniform numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The q-quantile of sorted values with linear interpolation (NumPy's default method). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('no values')
  const h = (sorted.length - 1) * q
  const lo = Math.floor(h)
  const hi = Math.min(sorted.length - 1, lo + 1)
  const a = sorted[lo] as number
  return a + (h - lo) * ((sorted[hi] as number) - a)
}

export type Interval = { low: number; high: number }
export type BootstrapResult = Interval & {
  /** Resamples that gave a defined statistic (a resample with no variation gives none). */
  used: number
  resamples: number
}

export type BootstrapOptions = { resamples?: number; seed?: number; level?: number }

/**
 * Percentile bootstrap interval of a paired statistic: resample pairs with replacement, compute
 * the statistic, take the (1 − level)/2 and (1 + level)/2 quantiles. Null when the statistic is
 * undefined on the data or on fewer than half the resamples.
 */
export function bootstrapPaired(
  x: readonly number[],
  y: readonly number[],
  statistic: (x: readonly number[], y: readonly number[]) => number | null,
  options: BootstrapOptions = {},
): BootstrapResult | null {
  const [a, b] = finitePairs(x, y)
  const n = a.length
  const resamples = options.resamples ?? 2000
  const level = options.level ?? 0.95
  if (n < MIN_PAIRS || statistic(a, b) === null) return null
  const random = seededRandom(options.seed ?? 20260101)
  const values: number[] = []
  const xs = new Array<number>(n)
  const ys = new Array<number>(n)
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) {
      const j = Math.floor(random() * n)
      xs[i] = a[j] as number
      ys[i] = b[j] as number
    }
    const v = statistic(xs, ys)
    if (v !== null && Number.isFinite(v)) values.push(v)
  }
  if (values.length < resamples / 2) return null
  values.sort((p, q) => p - q)
  return {
    low: quantileSorted(values, (1 - level) / 2),
    high: quantileSorted(values, (1 + level) / 2),
    used: values.length,
    resamples,
  }
}

/**
 * The bootstrap's resamples as counts: for each resample, how often each of the n pairs was drawn.
 * The draws are those of bootstrapPaired for the same n and seed, in the same order, so every
 * statistic computed from these counts is the one bootstrapPaired would compute on its resample.
 * Statistics over the same number of pairs can share one set of counts.
 */
export type ResampleCounts = { n: number; resamples: number; seed: number; counts: Uint32Array }

export function drawResamples(
  n: number,
  options: { resamples?: number; seed?: number } = {},
): ResampleCounts {
  const resamples = options.resamples ?? 2000
  const seed = options.seed ?? 20260101
  const random = seededRandom(seed)
  const counts = new Uint32Array(resamples * n)
  for (let r = 0, off = 0; r < resamples; r++, off += n)
    for (let i = 0; i < n; i++) {
      const j = off + Math.floor(random() * n)
      counts[j] = (counts[j] as number) + 1
    }
  return { n, resamples, seed, counts }
}

/**
 * Pearson's r of a resample given as counts (weights) over the n pairs; null when either side
 * does not vary within the resample (checked only when `check`: ranks vary when their values do).
 * Two passes (centred sums), as on the expanded resample; a pair drawn no time adds exactly zero,
 * so the loops need no branch on it.
 */
function weightedPearson(
  x: Float64Array,
  y: Float64Array,
  c: Uint32Array,
  off: number,
  n: number,
  check: boolean,
): number | null {
  let sx = 0
  let sy = 0
  if (check) {
    let minX = Number.POSITIVE_INFINITY
    let maxX = Number.NEGATIVE_INFINITY
    let minY = Number.POSITIVE_INFINITY
    let maxY = Number.NEGATIVE_INFINITY
    for (let i = 0; i < n; i++) {
      const w = c[off + i] as number
      if (w === 0) continue
      const a = x[i] as number
      const b = y[i] as number
      sx += w * a
      sy += w * b
      if (a < minX) minX = a
      if (a > maxX) maxX = a
      if (b < minY) minY = b
      if (b > maxY) maxY = b
    }
    if (minX === maxX || minY === maxY) return null
  } else
    for (let i = 0; i < n; i++) {
      const w = c[off + i] as number
      sx += w * (x[i] as number)
      sy += w * (y[i] as number)
    }
  const mx = sx / n
  const my = sy / n
  let sxy = 0
  let sxx = 0
  let syy = 0
  for (let i = 0; i < n; i++) {
    const w = c[off + i] as number
    const a = (x[i] as number) - mx
    const b = (y[i] as number) - my
    sxy += w * a * b
    sxx += w * a * a
    syy += w * b * b
  }
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)))
}

/** Each value's group among the distinct sorted values (ties share one), and the group count. */
function denseGroups(v: readonly number[]): { group: Int32Array; groups: number } {
  const distinct = [...new Set(v)].sort((a, b) => a - b)
  const index = new Map(distinct.map((d, i) => [d, i]))
  return { group: Int32Array.from(v, (e) => index.get(e) as number), groups: distinct.length }
}

/**
 * Average ranks within a resample given as counts, by counting (no sort): a value's rank is the
 * number of drawn values below it plus the mean position among the drawn values equal to it.
 */
function ranksOfResample(
  c: Uint32Array,
  off: number,
  n: number,
  group: Int32Array,
  groups: number,
  perGroup: Float64Array,
  out: Float64Array,
) {
  perGroup.fill(0)
  for (let i = 0; i < n; i++) {
    const g = group[i] as number
    perGroup[g] = (perGroup[g] as number) + (c[off + i] as number)
  }
  let start = 0
  for (let g = 0; g < groups; g++) {
    const k = perGroup[g] as number
    perGroup[g] = start + (k + 1) / 2
    start += k
  }
  for (let i = 0; i < n; i++) out[i] = perGroup[group[i] as number] as number
}

function percentileInterval(values: number[], resamples: number, level: number): BootstrapResult | null {
  if (values.length < resamples / 2) return null
  values.sort((p, q) => p - q)
  return {
    low: quantileSorted(values, (1 - level) / 2),
    high: quantileSorted(values, (1 + level) / 2),
    used: values.length,
    resamples,
  }
}

export type CorrelationIntervals = { pearson: BootstrapResult | null; spearman: BootstrapResult | null }

/**
 * Percentile bootstrap intervals of Pearson's r and Spearman's rho from the same resamples, in
 * linear time per resample (resamples as counts, ranks by counting). Each interval is the one
 * bootstrapPaired gives with pearson or spearman for the same seed and resamples. Pass `draws`
 * (from drawResamples, for the same number of finite pairs) to share resamples between series.
 */
export function bootstrapCorrelations(
  x: readonly number[],
  y: readonly number[],
  options: BootstrapOptions & { draws?: ResampleCounts } = {},
): CorrelationIntervals {
  const [a, b] = finitePairs(x, y)
  const n = a.length
  const level = options.level ?? 0.95
  const none = { pearson: null, spearman: null }
  if (n < MIN_PAIRS || pearson(a, b).r === null) return none
  const draws = options.draws ?? drawResamples(n, options)
  if (draws.n !== n) throw new RangeError(`resamples drawn for ${draws.n} pairs, not ${n}`)
  const { resamples, counts } = draws
  const xs = Float64Array.from(a)
  const ys = Float64Array.from(b)
  const gx = denseGroups(a)
  const gy = denseGroups(b)
  const px = new Float64Array(gx.groups)
  const py = new Float64Array(gy.groups)
  const rx = new Float64Array(n)
  const ry = new Float64Array(n)
  const rs: number[] = []
  const rhos: number[] = []
  for (let r = 0, off = 0; r < resamples; r++, off += n) {
    const v = weightedPearson(xs, ys, counts, off, n, true)
    if (v === null) continue // no variation: Spearman's rho is undefined on this resample too
    rs.push(v)
    ranksOfResample(counts, off, n, gx.group, gx.groups, px, rx)
    ranksOfResample(counts, off, n, gy.group, gy.groups, py, ry)
    rhos.push(weightedPearson(rx, ry, counts, off, n, false) as number)
  }
  return {
    pearson: percentileInterval(rs, resamples, level),
    spearman: percentileInterval(rhos, resamples, level),
  }
}

/**
 * The percentile bootstrap interval of Pearson's r or Spearman's rho, in linear time per resample.
 * Draws the same resamples, and gives the same interval, as bootstrapPaired with pearson or
 * spearman for the same seed.
 */
export function bootstrapCorrelation(
  x: readonly number[],
  y: readonly number[],
  method: 'pearson' | 'spearman',
  options: BootstrapOptions = {},
): BootstrapResult | null {
  return bootstrapCorrelations(x, y, options)[method]
}

export type Coefficient = {
  name: string
  estimate: number
  standardError: number
  t: number
  low: number
  high: number
}

export type OlsResult = {
  n: number
  /** Residual degrees of freedom (n − number of coefficients kept). */
  df: number
  rSquared: number
  coefficients: Coefficient[]
  /** Predictors left out because they were constant or a combination of others. */
  dropped: string[]
}

/** Inverse of a square matrix by Gauss–Jordan with partial pivoting; null when (nearly) singular. */
function invert(m: number[][]): number[][] | null {
  const k = m.length
  const w = 2 * k
  const a = new Float64Array(k * w)
  const get = (r: number, c: number) => a[r * w + c] as number
  m.forEach((row, i) => {
    row.forEach((v, j) => {
      a[i * w + j] = v
    })
    a[i * w + k + i] = 1
  })
  for (let c = 0; c < k; c++) {
    let p = c
    for (let r = c + 1; r < k; r++) if (Math.abs(get(r, c)) > Math.abs(get(p, c))) p = r
    const scale = Math.max(1, ...m.map((row) => Math.abs(row[c] as number)))
    if (Math.abs(get(p, c)) < 1e-10 * scale) return null
    for (let j = 0; j < w; j++) {
      const t = get(c, j)
      a[c * w + j] = get(p, j)
      a[p * w + j] = t
    }
    const pivot = get(c, c)
    for (let j = 0; j < w; j++) a[c * w + j] = get(c, j) / pivot
    for (let r = 0; r < k; r++) {
      const f = get(r, c)
      if (r === c || f === 0) continue
      for (let j = 0; j < w; j++) a[r * w + j] = get(r, j) - f * get(c, j)
    }
  }
  return Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => get(i, k + j)))
}

/** The dot product, summed in index order. */
function dot(u: Float64Array, v: Float64Array): number {
  let s = 0
  for (let i = 0; i < u.length; i++) s += (u[i] as number) * (v[i] as number)
  return s
}

/**
 * Ordinary least squares of y on the named predictors, with an intercept. Predictors that add no
 * information (constant, or a linear combination of earlier ones), or that would leave no residual
 * degree of freedom, are dropped and listed. Null when even the intercept alone leaves none.
 */
export function ols(
  y: readonly number[],
  predictors: ReadonlyArray<{ name: string; values: readonly number[] }>,
  level = 0.95,
): OlsResult | null {
  const n = y.length
  for (const p of predictors) if (p.values.length !== n) throw new RangeError(`${p.name} differs in length`)
  // Every column's cross-products are computed once (each trial below only picks from them).
  const columns = [new Float64Array(n).fill(1), ...predictors.map((p) => Float64Array.from(p.values))]
  const names = ['(intercept)', ...predictors.map((p) => p.name)]
  const cross = new Map<string, number>()
  const product = (a: number, b: number) => {
    const key = a <= b ? `${a},${b}` : `${b},${a}`
    let v = cross.get(key)
    if (v === undefined) {
      v = dot(columns[a] as Float64Array, columns[b] as Float64Array)
      cross.set(key, v)
    }
    return v
  }
  const gram = (idx: number[]) => idx.map((a) => idx.map((b) => product(a, b)))
  const kept: number[] = [0]
  const dropped: string[] = []
  for (let p = 1; p < columns.length; p++) {
    const trial = [...kept, p]
    if (trial.length < n && invert(gram(trial))) kept.push(p)
    else dropped.push(names[p] as string)
  }
  const cols = kept.map((k) => columns[k] as Float64Array)
  const inv = invert(gram(kept))
  const df = n - kept.length
  if (!inv || df < 1) return null
  const yv = Float64Array.from(y)
  const xty = cols.map((c) => dot(c, yv))
  const beta = inv.map((row) => row.reduce((s, v, j) => s + v * (xty[j] as number), 0))
  let rss = 0
  for (let i = 0; i < n; i++) {
    let fit = 0
    for (let j = 0; j < cols.length; j++)
      fit += ((cols[j] as Float64Array)[i] as number) * (beta[j] as number)
    rss += ((y[i] as number) - fit) ** 2
  }
  const my = mean([...y])
  const tss = y.reduce((s, v) => s + (v - my) ** 2, 0)
  const sigma2 = rss / df
  const crit = tQuantile((1 + level) / 2, df)
  return {
    n,
    df,
    rSquared: tss > 0 ? 1 - rss / tss : 0,
    dropped,
    coefficients: kept.map((k, j) => {
      const estimate = beta[j] as number
      const standardError = Math.sqrt(Math.max(0, sigma2 * (inv[j]?.[j] as number)))
      return {
        name: names[k] as string,
        estimate,
        standardError,
        t: standardError > 0 ? estimate / standardError : Number.NaN,
        low: estimate - crit * standardError,
        high: estimate + crit * standardError,
      }
    }),
  }
}
