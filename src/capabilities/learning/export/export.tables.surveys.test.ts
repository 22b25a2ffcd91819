import { describe, expect, it } from 'vitest'
import { exportableValue } from './export.tables.surveys.ts'

describe('what a research export keeps of a survey answer', () => {
  it.each([
    ['likert', 4, 4],
    ['likert', null, null],
    ['choice', 'a;c', 'a;c'],
    ['choice', 'a;Other: my consultant Dr Hartley said so', 'a;other'],
    ['choice', 'Other: ward 7B; bed 3', 'other'],
    ['choice', 'Other', 'other'],
    ['choice', 'a;Otherwise', 'a;Otherwise'],
    ['choice', '', null],
    ['text', 'Mrs Ellen Hartley found it useful', null],
    ['text', null, null],
  ] as const)('%s %j → %j', (kind, value, expected) => {
    expect(exportableValue(kind, value)).toBe(expected)
  })
})
