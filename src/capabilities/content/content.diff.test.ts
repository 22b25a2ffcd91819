import { describe, expect, it } from 'vitest'
import { diffFields, diffText } from './content.diff.ts'
import { contentHash } from './content.hash.ts'
import { itemFieldsSchema } from './content.schema.ts'

const fields = (o: Record<string, unknown> = {}) => ({
  ...itemFieldsSchema.parse(o),
  consents: [],
})

describe('diffText', () => {
  it('gives no hunks for equal texts', () => {
    expect(diffText('a\nb', 'a\nb')).toEqual([])
  })

  it('shows a changed line with three lines of context and 1-based line numbers', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8', '9'].join('\n')
    const after = ['1', '2', '3', '4', 'five', '6', '7', '8', '9'].join('\n')
    expect(diffText(before, after)).toEqual([
      {
        oldStart: 2,
        oldLines: 7,
        newStart: 2,
        newLines: 7,
        lines: [
          { op: ' ', text: '2' },
          { op: ' ', text: '3' },
          { op: ' ', text: '4' },
          { op: '-', text: '5' },
          { op: '+', text: 'five' },
          { op: ' ', text: '6' },
          { op: ' ', text: '7' },
          { op: ' ', text: '8' },
        ],
      },
    ])
  })

  it('splits distant changes into separate hunks and counts insertions', () => {
    const before = Array.from({ length: 20 }, (_, i) => `l${i}`).join('\n')
    const lines = before.split('\n')
    lines.splice(1, 0, 'inserted')
    lines[18] = 'changed'
    const hunks = diffText(before, lines.join('\n'))
    expect(hunks).toHaveLength(2)
    expect(hunks[0]).toMatchObject({ oldStart: 1, oldLines: 4, newStart: 1, newLines: 5 })
    expect(hunks[0]?.lines.filter((l) => l.op === '+')).toEqual([{ op: '+', text: 'inserted' }])
    expect(hunks[1]?.lines.filter((l) => l.op !== ' ').map((l) => l.op + l.text)).toEqual([
      '-l17',
      '+changed',
    ])
  })
})

describe('diffFields', () => {
  it('reports text as hunks and other fields before/after, omitting what is unchanged', () => {
    const d = diffFields(
      fields({ title: 'Sepsis', body: 'one', voice: 'professional', topics: ['critical-care'] }),
      fields({ title: 'Sepsis', body: 'two', voice: 'personal', topics: ['critical-care'] }),
    )
    expect(d.text.map((t) => t.field)).toEqual(['body'])
    expect(d.fields).toEqual([{ field: 'voice', before: 'professional', after: 'personal' }])
  })
})

describe('contentHash', () => {
  it('is stable for the same content and changes with any published field or consent id', () => {
    const base = fields({ title: 'T', body: 'B' })
    const h = contentHash('post', base)
    expect(h).toMatch(/^[0-9a-f]{64}$/)
    expect(contentHash('post', fields({ body: 'B', title: 'T' }))).toBe(h)
    expect(contentHash('thread', base)).not.toBe(h)
    expect(contentHash('post', { ...base, channels: ['bluesky'] })).not.toBe(h)
    expect(contentHash('post', { ...base, voice: 'personal' })).not.toBe(h)
    expect(
      contentHash('post', {
        ...base,
        consents: [{ id: 'c1', consentedBy: 'Patient', scope: 'Photo', date: '2026-01-01', fileId: null }],
      }),
    ).not.toBe(h)
  })
})
