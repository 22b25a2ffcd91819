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

/** Pearson's r of the first n entries; null when either side does not vary. */
function pearsonKernel(x: Float64Array, y: Float64Array, n: number): number | null {
  let mx = 0
  let my = 0
  let minX = Number.POSITIVE_INFINITY
  let maxX = Number.NEGATIVE_INFINITY
  let minY = Number.POSITIVE_INFINITY
  let maxY = Number.NEGATIVE_INFINITY
  for (let i = 0; i < n; i++) {
    const a = x[i] as number
    const b = y[i] as number
    mx += a
    my += b
    if (a < minX) minX = a
    if (a > maxX) maxX = a
    if (b < minY) minY = b
    if (b > maxY) maxY = b
  }
  if (minX === maxX || minY === maxY) return null
  mx /= n
  my /= n
  let sxy = 0
  let sxx = 0
  let syy = 0
  for (let i = 0; i < n; i++) {
    const a = (x[i] as number) - mx
    const b = (y[i] as number) - my
    sxy += a * b
    sxx += a * a
    syy += b * b
  }
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)))
}

/** Each value's group among the distinct sorted values (ties share one), and the group count. */
function denseGroups(v: readonly number[]): { group: Int32Array; groups: number } {
  const distinct = [...new Set(v)].sort((a, b) => a - b)
  const index = new Map(distinct.map((d, i) => [d, i]))
  return { group: Int32Array.from(v, (e) => index.get(e) as number), groups: distinct.length }
}

/** Average ranks of a resample from its values' groups, by counting (no sort). */
function ranksByCount(
  draw: Int32Array,
  group: Int32Array,
  groups: number,
  counts: Int32Array,
  avg: Float64Array,
  out: Float64Array,
) {
  counts.fill(0)
  const n = draw.length
  for (let i = 0; i < n; i++) {
    const g = group[draw[i] as number] as number
    counts[g] = (counts[g] as number) + 1
  }
  let start = 0
  for (let g = 0; g < groups; g++) {
    const c = counts[g] as number
    avg[g] = start + (c + 1) / 2
    start += c
  }
  for (let i = 0; i < n; i++) out[i] = avg[group[draw[i] as number] as number] as number
}

/**
 * The percentile bootstrap interval of Pearson's r or Spearman's rho, in linear time per resample
 * (ranks by counting). Draws the same resamples, and gives the same interval, as bootstrapPaired
 * with pearson or spearman for the same seed.
 */
export function bootstrapCorrelation(
  x: readonly number[],
  y: readonly number[],
  method: 'pearson' | 'spearman',
  options: BootstrapOptions = {},
): BootstrapResult | null {
  const [a, b] = finitePairs(x, y)
  const n = a.length
  const resamples = options.resamples ?? 2000
  const level = options.level ?? 0.95
  const point = method === 'pearson' ? pearson(a, b).r : spearman(a, b).r
  if (n < MIN_PAIRS || point === null) return null
  const random = seededRandom(options.seed ?? 20260101)
  const draw = new Int32Array(n)
  const xs = new Float64Array(n)
  const ys = new Float64Array(n)
  const gx = denseGroups(a)
  const gy = denseGroups(b)
  const cx = new Int32Array(gx.groups)
  const cy = new Int32Array(gy.groups)
  const ax = new Float64Array(gx.groups)
  const ay = new Float64Array(gy.groups)
  const values: number[] = []
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) draw[i] = Math.floor(random() * n)
    if (method === 'pearson') {
      for (let i = 0; i < n; i++) {
        xs[i] = a[draw[i] as number] as number
        ys[i] = b[draw[i] as number] as number
      }
    } else {
      ranksByCount(draw, gx.group, gx.groups, cx, ax, xs)
      ranksByCount(draw, gy.group, gy.groups, cy, ay, ys)
    }
    const v = pearsonKernel(xs, ys, n)
    if (v !== null) values.push(v)
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

function gram(columns: number[][]): number[][] {
  return columns.map((u) => columns.map((v) => u.reduce((s, ui, i) => s + ui * (v[i] as number), 0)))
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
  const kept: { name: string; values: number[] }[] = [{ name: '(intercept)', values: y.map(() => 1) }]
  const dropped: string[] = []
  for (const p of predictors) {
    const trial = [...kept, { name: p.name, values: [...p.values] }]
    if (trial.length < n && invert(gram(trial.map((c) => c.values))))
      kept.push({ name: p.name, values: [...p.values] })
    else dropped.push(p.name)
  }
  const cols = kept.map((c) => c.values)
  const inv = invert(gram(cols))
  const df = n - kept.length
  if (!inv || df < 1) return null
  const xty = cols.map((c) => c.reduce((s, ci, i) => s + ci * (y[i] as number), 0))
  const beta = inv.map((row) => row.reduce((s, v, j) => s + v * (xty[j] as number), 0))
  let rss = 0
  for (let i = 0; i < n; i++) {
    const fit = cols.reduce((s, c, j) => s + (c[i] as number) * (beta[j] as number), 0)
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
    coefficients: kept.map((c, j) => {
      const estimate = beta[j] as number
      const standardError = Math.sqrt(Math.max(0, sigma2 * (inv[j]?.[j] as number)))
      return {
        name: c.name,
        estimate,
        standardError,
        t: standardError > 0 ? estimate / standardError : Number.NaN,
        low: estimate - crit * standardError,
        high: estimate + crit * standardError,
      }
    }),
  }
}
