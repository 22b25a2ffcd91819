import { readFileSync } from 'node:fs'
import tQuantile from '@stdlib/stats-base-dists-t-quantile'
import { describe, expect, it } from 'vitest'
import {
  averageRanks,
  bootstrapCorrelation,
  bootstrapCorrelations,
  bootstrapPaired,
  drawResamples,
  ols,
  pearson,
  quantileSorted,
  seededRandom,
  spearman,
} from './statistics.ts'

type Vectors = {
  tQuantile975: { df: number; value: number }[]
  correlations: {
    name: string
    x: number[]
    y: number[]
    pearson: number
    spearman: number
    ranksX: number[]
  }[]
  ols: {
    name: string
    y: number[]
    predictors: Record<string, number[]>
    df: number
    rSquared: number
    coefficients: { name: string; estimate: number; standardError: number; low: number; high: number }[]
  }[]
}

const vectors = JSON.parse(
  readFileSync(new URL('../../../../test/fixtures/stats-vectors.json', import.meta.url), 'utf8'),
) as Vectors

/** Relative agreement to 1e-9 (absolute near zero). */
function close(actual: number | null | undefined, expected: number) {
  expect(actual).not.toBeNull()
  const tol = 1e-9 * Math.max(1, Math.abs(expected))
  expect(Math.abs((actual as number) - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tol)
}

describe('statistics against the SciPy vectors', () => {
  it('t quantiles', () => {
    for (const v of vectors.tQuantile975) close(tQuantile(0.975, v.df), v.value)
  })

  for (const c of vectors.correlations) {
    it(`Pearson, Spearman and ranks: ${c.name}`, () => {
      close(pearson(c.x, c.y).r, c.pearson)
      close(spearman(c.x, c.y).r, c.spearman)
      expect(pearson(c.x, c.y).n).toBe(c.x.length)
      expect(averageRanks(c.x)).toEqual(c.ranksX)
    })
  }

  for (const c of vectors.ols) {
    it(`OLS: ${c.name}`, () => {
      const fit = ols(
        c.y,
        Object.entries(c.predictors).map(([name, values]) => ({ name, values })),
      )
      expect(fit).not.toBeNull()
      expect(fit?.df).toBe(c.df)
      expect(fit?.dropped).toEqual([])
      close(fit?.rSquared, c.rSquared)
      expect(fit?.coefficients.map((k) => k.name)).toEqual(c.coefficients.map((k) => k.name))
      c.coefficients.forEach((e, i) => {
        const got = fit?.coefficients[i]
        close(got?.estimate, e.estimate)
        close(got?.standardError, e.standardError)
        close(got?.low, e.low)
        close(got?.high, e.high)
      })
    })
  }
})

describe('honesty rules', () => {
  it('no correlation under three pairs or without variation', () => {
    expect(pearson([1, 2], [3, 4])).toEqual({ r: null, n: 2 })
    expect(spearman([1, 2], [3, 4])).toEqual({ r: null, n: 2 })
    expect(pearson([1, 1, 1, 1], [1, 2, 3, 4]).r).toBeNull()
    expect(pearson([1, Number.NaN, 3, 4], [2, 5, 1, 7]).n).toBe(3)
  })

  it('drops a predictor that repeats another and a constant one', () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8]
    const fit = ols(
      [2, 4, 5, 8, 9, 13, 13, 16],
      [
        { name: 'x', values: x },
        { name: 'twiceX', values: x.map((v) => 2 * v) },
        { name: 'always', values: x.map(() => 3) },
      ],
    )
    expect(fit?.dropped).toEqual(['twiceX', 'always'])
    expect(fit?.coefficients.map((c) => c.name)).toEqual(['(intercept)', 'x'])
  })

  it('keeps a residual degree of freedom: drops what does not fit, refuses one row', () => {
    expect(ols([1, 2], [{ name: 'x', values: [3, 5] }])?.dropped).toEqual(['x'])
    expect(ols([1], [])).toBeNull()
  })

  it('quantiles interpolate linearly like NumPy', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5)
    expect(quantileSorted([1, 2, 3, 4, 5], 0.025)).toBeCloseTo(1.1, 12)
  })
})

describe('bootstrap', () => {
  const c = vectors.correlations[0] as Vectors['correlations'][number]
  const r = (a: readonly number[], b: readonly number[]) => pearson(a, b).r

  it('is deterministic for a seed and differs between seeds', () => {
    const a = bootstrapPaired(c.x, c.y, r, { seed: 7 })
    const b = bootstrapPaired(c.x, c.y, r, { seed: 7 })
    const other = bootstrapPaired(c.x, c.y, r, { seed: 8 })
    expect(a).toEqual(b)
    expect(a).not.toEqual(other)
    expect(a?.resamples).toBe(2000)
  })

  it('brackets the point estimate and stays inside [-1, 1]', () => {
    for (const v of vectors.correlations.slice(0, 3)) {
      for (const stat of [r, (a: readonly number[], b: readonly number[]) => spearman(a, b).r]) {
        const ci = bootstrapPaired(v.x, v.y, stat, { seed: 1 })
        const point = stat(v.x, v.y) as number
        expect(ci).not.toBeNull()
        expect(ci?.low).toBeLessThanOrEqual(point)
        expect(ci?.high).toBeGreaterThanOrEqual(point)
        expect(ci?.low).toBeGreaterThanOrEqual(-1)
        expect(ci?.high).toBeLessThanOrEqual(1)
      }
    }
  })

  it('covers the true correlation about 95% of the time', () => {
    // Bivariate normal with rho = 0.5, 200 samples of n = 40, 400 resamples each.
    const random = seededRandom(99)
    const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
    let covered = 0
    const trials = 200
    for (let t = 0; t < trials; t++) {
      const x: number[] = []
      const y: number[] = []
      for (let i = 0; i < 40; i++) {
        const a = normal()
        x.push(a)
        y.push(0.5 * a + Math.sqrt(0.75) * normal())
      }
      const ci = bootstrapPaired(x, y, r, { seed: t, resamples: 400 })
      if (ci && ci.low <= 0.5 && ci.high >= 0.5) covered++
    }
    expect(covered / trials).toBeGreaterThan(0.88)
    expect(covered / trials).toBeLessThan(0.99)
  })

  it('the linear-time correlation bootstrap draws the same resamples as the generic one', () => {
    for (const v of vectors.correlations) {
      for (const method of ['pearson', 'spearman'] as const) {
        const stat = (a: readonly number[], b: readonly number[]) =>
          (method === 'pearson' ? pearson(a, b) : spearman(a, b)).r
        const slow = bootstrapPaired(v.x, v.y, stat, { seed: 3, resamples: 300 })
        const fast = bootstrapCorrelation(v.x, v.y, method, { seed: 3, resamples: 300 })
        expect(fast === null).toBe(slow === null)
        if (!slow || !fast) continue
        expect(fast.used).toBe(slow.used)
        expect(fast.low).toBeCloseTo(slow.low, 12)
        expect(fast.high).toBeCloseTo(slow.high, 12)
      }
    }
  })

  it('is null where the statistic is undefined', () => {
    expect(bootstrapPaired([1, 2], [1, 2], r)).toBeNull()
    expect(bootstrapPaired([1, 1, 1, 1], [1, 2, 3, 4], r)).toBeNull()
  })
})

describe('correlation intervals from shared resamples', () => {
  it('gives each interval bootstrapPaired gives, whether the draws are shared or not', () => {
    for (const v of vectors.correlations) {
      const draws = drawResamples(v.x.length, { seed: 11, resamples: 250 })
      const shared = bootstrapCorrelations(v.x, v.y, { draws })
      const own = bootstrapCorrelations(v.x, v.y, { seed: 11, resamples: 250 })
      expect(shared).toEqual(own)
      for (const method of ['pearson', 'spearman'] as const) {
        const slow = bootstrapPaired(
          v.x,
          v.y,
          (a, b) => (method === 'pearson' ? pearson(a, b) : spearman(a, b)).r,
          { seed: 11, resamples: 250 },
        )
        expect(shared[method] === null).toBe(slow === null)
        if (!slow) continue
        expect(shared[method]?.used).toBe(slow.used)
        expect(shared[method]?.low).toBeCloseTo(slow.low, 12)
        expect(shared[method]?.high).toBeCloseTo(slow.high, 12)
      }
    }
  })

  it('draws n pairs per resample, and refuses draws made for another number of pairs', () => {
    const d = drawResamples(7, { seed: 1, resamples: 3 })
    for (let r = 0; r < 3; r++) expect(d.counts.slice(r * 7, r * 7 + 7).reduce((a, b) => a + b, 0)).toBe(7)
    expect(() => bootstrapCorrelations([1, 2, 3], [3, 1, 2], { draws: d })).toThrow(RangeError)
  })

  it('has no interval where a side does not vary', () => {
    expect(bootstrapCorrelations([1, 2, 3, 4], [5, 5, 5, 5])).toEqual({ pearson: null, spearman: null })
  })
})

describe('seededRandom', () => {
  it('gives the same sequence for the same seed and a different one for another', () => {
    const a = seededRandom(42)
    const b = seededRandom(42)
    const c = seededRandom(43)
    const xs = Array.from({ length: 5 }, () => a())
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs)
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs)
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true)
  })
})
