import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { backoffMs, createJobRegistry, defineJob } from './queue.ts'

describe('backoffMs', () => {
  it.each([
    { attempt: 0, ms: 2_000 },
    { attempt: 1, ms: 2_000 },
    { attempt: 2, ms: 4_000 },
    { attempt: 3, ms: 8_000 },
    { attempt: 4, ms: 16_000 },
    { attempt: 9, ms: 512_000 },
    { attempt: 10, ms: 600_000 },
    { attempt: 11, ms: 600_000 },
    { attempt: 100, ms: 600_000 },
  ])('waits $ms ms after attempt $attempt', ({ attempt, ms }) => {
    expect(backoffMs(attempt)).toBe(ms)
  })
})

describe('createJobRegistry', () => {
  const job = (name: string) => defineJob({ name, schema: z.object({}), handler: async () => {} })

  it('finds each job by name', () => {
    const registry = createJobRegistry([job('a.one'), job('b.two')])
    expect([...registry.keys()]).toEqual(['a.one', 'b.two'])
  })

  it('refuses a name defined twice', () => {
    expect(() => createJobRegistry([job('a.one'), job('a.one')])).toThrow('job a.one is defined twice')
  })
})
