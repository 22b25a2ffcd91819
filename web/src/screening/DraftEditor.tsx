import { defaultKeymap, history, historyKeymap } from '@codemirror/commands'
import { markdownLanguage } from '@codemirror/lang-markdown'
import { defaultHighlightStyle, LanguageSupport, syntaxHighlighting } from '@codemirror/language'
import { EditorState, type Range, StateEffect, StateField } from '@codemirror/state'
import { Decoration, type DecorationSet, EditorView, keymap, placeholder } from '@codemirror/view'
import { type Ref, useEffect, useImperativeHandle, useRef } from 'react'
import type { Finding } from '../api/types.ts'
import { findingKey, severityLabels } from './findings.ts'

/** What the page can do with the editor. Offsets are the findings' (UTF-16, into the draft). */
export type DraftEditorHandle = {
  focus(): void
  getText(): string
  /** Highlights these findings, if the draft is still the text they were found in. */
  showFindings(findings: readonly Finding[], text: string): boolean
  /** Selects a finding's span (where it is now, after any edits) and scrolls it into view. */
  select(finding: Finding): boolean
  /** Replaces a finding's span with `insert`, if the span still holds the text that was found. */
  replace(finding: Finding, insert: string): boolean
  /** Replaces the whole draft (one undoable change, touching only what differs). */
  setText(text: string): void
  /** The selected span (UTF-16 offsets, end exclusive) and its text, or null when nothing is selected. */
  getSelection(): { start: number; end: number; text: string } | null
}

const setFindings = StateEffect.define<readonly Finding[]>()

function buildDecorations(findings: readonly Finding[], length: number): DecorationSet {
  const ranges: Range<Decoration>[] = []
  for (const f of findings) {
    if (f.field !== 'body' || f.end <= f.start || f.end > length) continue
    const label = severityLabels[f.severity]
    ranges.push(
      Decoration.mark({
        class: `cm-finding cm-finding-${f.severity}`,
        attributes: { title: `${label.badge}: ${f.message}`, 'data-severity': f.severity },
        key: findingKey(f),
      }).range(f.start, f.end),
    )
  }
  return Decoration.set(ranges, true)
}

/** The findings' highlights. Edits move them with the text until the next check replaces them. */
const findingsField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(decorations, tr) {
    let next = decorations.map(tr.changes)
    for (const effect of tr.effects) {
      if (effect.is(setFindings)) next = buildDecorations(effect.value, tr.state.doc.length)
    }
    return next
  },
  provide: (field) => EditorView.decorations.from(field),
})

/** Where a finding's highlight is now, or its reported span when the draft has not changed. */
function currentSpan(view: EditorView, finding: Finding): { from: number; to: number } | null {
  const key = findingKey(finding)
  let found: { from: number; to: number } | null = null
  view.state.field(findingsField).between(0, view.state.doc.length, (from, to, value) => {
    if (value.spec.key === key) {
      found = { from, to }
      return false
    }
    return undefined
  })
  if (found) return found
  if (finding.field === 'body' && view.state.sliceDoc(finding.start, finding.end) === finding.text) {
    return { from: finding.start, to: finding.end }
  }
  return null
}

const theme = EditorView.theme({
  '&': {
    border: '1px solid var(--mantine-color-default-border)',
    borderRadius: 'var(--mantine-radius-md)',
    backgroundColor: 'var(--mantine-color-body)',
    color: 'var(--mantine-color-text)',
    fontSize: 'var(--mantine-font-size-md)',
    maxHeight: '70vh',
  },
  '&.cm-focused': {
    outline: '2px solid var(--mantine-primary-color-filled)',
    outlineOffset: '1px',
  },
  '.cm-scroller': { fontFamily: 'var(--mantine-font-family)', lineHeight: '1.65', overflow: 'auto' },
  '.cm-content': { minHeight: '240px', padding: '12px 14px', caretColor: 'var(--mantine-color-text)' },
  '.cm-line': { padding: '0' },
  '.cm-placeholder': { color: 'var(--mantine-color-dimmed)' },
  '.cm-finding': { borderRadius: '2px', textUnderlineOffset: '3px' },
  '.cm-finding-block': {
    backgroundColor: 'var(--mantine-color-red-light)',
    textDecoration: 'underline solid var(--mantine-color-red-filled) 2px',
  },
  '.cm-finding-warn': {
    backgroundColor: 'var(--mantine-color-yellow-light)',
    textDecoration: 'underline wavy var(--mantine-color-yellow-filled) 1.5px',
  },
  '.cm-finding-info': {
    backgroundColor: 'var(--mantine-color-blue-light)',
    textDecoration: 'underline dotted var(--mantine-color-blue-filled) 2px',
  },
})

/**
 * The draft, in CodeMirror 6 (Markdown), with the findings highlighted in place. Tab is left to
 * move focus (no indent binding), so the editor never traps keyboard users.
 */
export function DraftEditor({
  ref,
  label,
  describedBy,
  initialText = '',
  placeholderText,
  readOnly = false,
  onChange,
}: {
  ref?: Ref<DraftEditorHandle>
  label: string
  describedBy?: string
  initialText?: string
  placeholderText?: string
  /** Set at mount: remount the editor (a new `key`) to change it. */
  readOnly?: boolean
  onChange: (text: string) => void
}) {
  const host = useRef<HTMLDivElement>(null)
  const view = useRef<EditorView | null>(null)
  const onChangeRef = useRef(onChange)
  onChangeRef.current = onChange

  // The editor is created once; its text is then owned by CodeMirror (read back through onChange).
  // biome-ignore lint/correctness/useExhaustiveDependencies: created on mount only
  useEffect(() => {
    if (!host.current) return
    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: initialText,
        extensions: [
          history(),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          // Markdown without the HTML and code-block languages markdown() brings (a smaller chunk).
          new LanguageSupport(markdownLanguage),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({
            'aria-label': label,
            ...(describedBy ? { 'aria-describedby': describedBy } : {}),
            spellcheck: 'true',
          }),
          placeholderText ? placeholder(placeholderText) : [],
          readOnly ? [EditorState.readOnly.of(true), EditorView.editable.of(false)] : [],
          findingsField,
          theme,
          EditorView.updateListener.of((update) => {
            if (update.docChanged) onChangeRef.current(update.state.doc.toString())
          }),
        ],
      }),
    })
    view.current = editor
    return () => {
      editor.destroy()
      view.current = null
    }
  }, [])

  useImperativeHandle(
    ref,
    (): DraftEditorHandle => ({
      focus: () => view.current?.focus(),
      getText: () => view.current?.state.doc.toString() ?? '',
      getSelection() {
        const editor = view.current
        if (!editor) return null
        const { from, to } = editor.state.selection.main
        if (to <= from) return null
        return { start: from, end: to, text: editor.state.sliceDoc(from, to) }
      },
      showFindings(findings, text) {
        const editor = view.current
        if (!editor || editor.state.doc.toString() !== text) return false
        editor.dispatch({ effects: setFindings.of(findings) })
        return true
      },
      select(finding) {
        const editor = view.current
        if (!editor) return false
        const span = currentSpan(editor, finding)
        if (!span) return false
        editor.dispatch({
          selection: { anchor: span.from, head: span.to },
          effects: EditorView.scrollIntoView(span.from, { y: 'center' }),
        })
        editor.focus()
        return true
      },
      replace(finding, insert) {
        const editor = view.current
        if (!editor) return false
        const span = currentSpan(editor, finding)
        if (!span || editor.state.sliceDoc(span.from, span.to) !== finding.text) return false
        editor.dispatch({
          changes: { from: span.from, to: span.to, insert },
          selection: { anchor: span.from + insert.length },
          userEvent: 'input.fix',
          scrollIntoView: true,
        })
        return true
      },
      setText(text) {
        const editor = view.current
        if (!editor) return
        const old = editor.state.doc.toString()
        if (old === text) return
        // Touch only the part that differs, so the caret and undo history stay sensible.
        let start = 0
        while (start < old.length && start < text.length && old[start] === text[start]) start++
        let oldEnd = old.length
        let newEnd = text.length
        while (oldEnd > start && newEnd > start && old[oldEnd - 1] === text[newEnd - 1]) {
          oldEnd--
          newEnd--
        }
        editor.dispatch({
          changes: { from: start, to: oldEnd, insert: text.slice(start, newEnd) },
          userEvent: 'input.redact',
        })
      },
    }),
    [],
  )

  return <div ref={host} data-testid="draft-editor" />
}
