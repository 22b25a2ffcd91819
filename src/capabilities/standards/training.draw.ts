import { createHash } from 'node:crypto'

/**
 * The question draw for an attempt: pure and deterministic, so the same seed and the same
 * pool always give the same questions in the same order (an attempt can be reproduced, and
 * tests can pin it). Topics are covered round-robin: every topic with questions in the pool
 * gets one before any topic gets a second, so 12 questions over five topics come out as
 * 3, 3, 2, 2, 2.
 */
export function drawQuestions<Q extends { id: string; topic: string }>(
  pool: readonly Q[],
  seed: string,
  count: number,
): Q[] {
  const random = seededRandom(seed)
  const byTopic = new Map<string, Q[]>()
  for (const q of [...pool].sort((a, b) => compare(a.id, b.id))) {
    const list = byTopic.get(q.topic) ?? []
    list.push(q)
    byTopic.set(q.topic, list)
  }
  const topics = shuffle([...byTopic.keys()].sort(compare), random)
  const queues = topics.map((t) => shuffle(byTopic.get(t) ?? [], random))
  const chosen: Q[] = []
  for (let round = 0; chosen.length < count; round++) {
    let took = false
    for (const queue of queues) {
      const q = queue[round]
      if (q && chosen.length < count) {
        chosen.push(q)
        took = true
      }
    }
    if (!took) break
  }
  return shuffle(chosen, random)
}

/** A small seeded generator (sfc32) keyed by SHA-256 of the seed; returns floats in [0, 1). */
export function seededRandom(seed: string): () => number {
  const digest = createHash('sha256').update(seed).digest()
  let a = digest.readUInt32LE(0)
  let b = digest.readUInt32LE(4)
  let c = digest.readUInt32LE(8)
  let d = digest.readUInt32LE(12)
  return () => {
    a |= 0
    b |= 0
    c |= 0
    d |= 0
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return (t >>> 0) / 4_294_967_296
  }
}

/** Fisher–Yates on a copy. */
function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const tmp = out[i] as T
    out[i] = out[j] as T
    out[j] = tmp
  }
  return out
}

/** Code-unit order, the same in every locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
