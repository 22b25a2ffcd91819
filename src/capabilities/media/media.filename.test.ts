import { describe, expect, it } from 'vitest'
import { compilePolicy } from '#src/capabilities/screening/evaluate.ts'
import { fileNameFindings } from './media.filename.ts'

describe('file names', () => {
  const policy = compilePolicy({})
  it.each([
    ['Ellen_Hartley_wrist.jpg', 'Ellen Hartley'],
    ['MRN 4567123 chest.png', '4567123'],
  ])('%s names an identifier (%s), as a warning', (name, found) => {
    const findings = fileNameFindings(name, policy)
    expect(findings.map((f) => f.text).join(' ')).toContain(found)
    expect(findings.every((f) => f.severity === 'warn' && f.message.startsWith('In the file name:'))).toBe(
      true,
    )
  })
  it.each(['IMG_2041.jpg', 'wrist-film.png', 'scan.dcm', 'clip.mp4'])('%s is clean', (name) => {
    expect(fileNameFindings(name, policy)).toEqual([])
  })
})
