import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import * as fontkit from 'fontkit'

/**
 * The fonts the certificate PDF embeds (subset to the glyphs used): Noto Sans for Latin,
 * Greek and Cyrillic, Noto Naskh Arabic, and Noto Sans Simplified Chinese, each in a regular
 * and a bold weight. They come from npm packages (@embedpdf/fonts-*), are read from disk
 * once per process, and are licensed under the SIL Open Font License 1.1 (attribution in
 * docs/third-party/fonts.md). Nothing is fetched at run time.
 */

export type FontFace = 'regular' | 'bold'
export type FontFamily = 'latin' | 'arabic' | 'han'

const require = createRequire(import.meta.url)

// The packages export only their file list; the fonts sit beside it in fonts/.
function fontPath(pkg: string, file: string): string {
  return join(dirname(require.resolve(pkg)), '..', 'fonts', file)
}

const FILES: Record<FontFamily, Record<FontFace, () => string>> = {
  latin: {
    regular: () => fontPath('@embedpdf/fonts-latin', 'NotoSans-Regular.ttf'),
    bold: () => fontPath('@embedpdf/fonts-latin', 'NotoSans-Bold.ttf'),
  },
  arabic: {
    regular: () => fontPath('@embedpdf/fonts-arabic', 'NotoNaskhArabic-Regular.ttf'),
    bold: () => fontPath('@embedpdf/fonts-arabic', 'NotoNaskhArabic-Bold.ttf'),
  },
  han: {
    regular: () => fontPath('@embedpdf/fonts-sc', 'NotoSansHans-Regular.otf'),
    bold: () => fontPath('@embedpdf/fonts-sc', 'NotoSansHans-Bold.otf'),
  },
}

/** Tried in this order for each character: the first that has a glyph for it draws it. */
export const FAMILIES: readonly FontFamily[] = ['latin', 'arabic', 'han']

type Loaded = { bytes: Buffer; font: fontkit.Font }
const loaded = new Map<string, Loaded>()

function load(family: FontFamily, face: FontFace): Loaded {
  const key = `${family}-${face}`
  let l = loaded.get(key)
  if (!l) {
    const bytes = readFileSync(FILES[family][face]())
    l = { bytes, font: fontkit.create(bytes) as fontkit.Font }
    loaded.set(key, l)
  }
  return l
}

/** The font file's bytes, for pdfkit's registerFont. */
export function fontBytes(family: FontFamily, face: FontFace): Buffer {
  return load(family, face).bytes
}

/** The name a family and face are registered under in a PDF document. */
export function fontName(family: FontFamily, face: FontFace): string {
  return `${family}-${face}`
}

export type Run = { family: FontFamily; text: string }

// Spaces, punctuation and marks take the font of the text before them, so "Dr 王芳" is two
// runs, not three, and a combining accent stays with its letter.
const NEUTRAL = /[\s\p{P}\p{M}\p{Zs}]/u

/**
 * Splits text into runs, each drawn with one family: the first family (in FAMILIES order)
 * that has every character of the run. A character no family has stays in the current run
 * (the reader shows the font's missing-glyph box rather than dropping it silently).
 */
export function fontRuns(text: string): Run[] {
  const runs: Run[] = []
  for (const ch of text.normalize('NFC')) {
    const last = runs.at(-1)
    if (last && NEUTRAL.test(ch)) {
      last.text += ch
      continue
    }
    const cp = ch.codePointAt(0) ?? 0
    const family = FAMILIES.find((f) => load(f, 'regular').font.hasGlyphForCodePoint(cp))
    if (last && (family === undefined || family === last.family)) last.text += ch
    else runs.push({ family: family ?? 'latin', text: ch })
  }
  return runs
}
