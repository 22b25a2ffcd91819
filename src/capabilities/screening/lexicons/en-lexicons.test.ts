import { execFileSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { isCommonWord } from '../packs/confidentiality/analysis.ts'
import { COMMON_WORDS } from './en-common-words.ts'
import { GIVEN_NAMES, SURNAMES } from './en-names.ts'
import { COUNTRIES, PLACES, REGIONS } from './places-world.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '../../../..')

describe('English and world lexicons', () => {
  it('match what the generator makes from the npm packages (no drift)', () => {
    const out = execFileSync(
      process.execPath,
      [join(root, 'scripts/lexicons/build-lexicons.ts'), '--check'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    )
    expect(out).toContain('lexicons up to date')
  })

  it('hold what the rules rely on, folded', () => {
    expect(GIVEN_NAMES.has('ellen')).toBe(true)
    expect(SURNAMES.has('smith')).toBe(true)
    expect(GIVEN_NAMES.has('sigurlaug') || SURNAMES.has('karlsdottir') || GIVEN_NAMES.has('jozsef')).toBe(
      true,
    )
    expect(PLACES.has('manchester')).toBe(true)
    expect(COUNTRIES.has('estonia')).toBe(true)
    expect(REGIONS.has('north yorkshire')).toBe(true)
    expect(REGIONS.has('adams')).toBe(false)
    expect(COMMON_WORDS.has('wisdom')).toBe(true)
    // Inflections are found from their base forms, one step away.
    for (const w of ['interesting', 'buildings', 'covered', 'bothering', 'accordingly', 'snoring']) {
      expect(isCommonWord(w), w).toBe(true)
    }
    for (const set of [GIVEN_NAMES, SURNAMES, PLACES, COMMON_WORDS]) {
      for (const w of set)
        expect(w).toBe(
          w
            .normalize('NFD')
            .replace(/\p{M}+/gu, '')
            .toLowerCase(),
        )
    }
  })
})
