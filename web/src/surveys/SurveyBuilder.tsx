import {
  Alert,
  Button,
  Card,
  Checkbox,
  Group,
  NumberInput,
  Radio,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core'
import { useState } from 'react'
import type { SurveyContentInput } from './surveys.api.ts'

type Question = SurveyContentInput['questions'][number]
type Likert = Extract<Question, { kind: 'likert' }>
type Choice = Extract<Question, { kind: 'choice' }>

export const AGREE_5 = [
  'Strongly disagree',
  'Disagree',
  'Neither agree nor disagree',
  'Agree',
  'Strongly agree',
]
export const AGREE_7 = [
  'Strongly disagree',
  'Disagree',
  'Somewhat disagree',
  'Neither agree nor disagree',
  'Somewhat agree',
  'Agree',
  'Strongly agree',
]

export const emptySurvey: SurveyContentInput = { title: '', introduction: '', questions: [] }

/** A question id not used yet: q1, q2, … */
function nextId(questions: readonly Question[]): string {
  const used = new Set(questions.map((q) => q.id))
  let n = questions.length + 1
  while (used.has(`q${n}`)) n++
  return `q${n}`
}

function newQuestion(kind: Question['kind'], questions: readonly Question[]): Question {
  const id = nextId(questions)
  if (kind === 'likert') return { id, kind, stem: '', points: 5, anchors: [...AGREE_5] }
  if (kind === 'choice')
    return {
      id,
      kind,
      stem: '',
      multiple: false,
      allowOther: false,
      options: [
        { id: 'a', text: '' },
        { id: 'b', text: '' },
      ],
    }
  return { id, kind, stem: '', maxLength: 500 }
}

const kindLabel: Record<Question['kind'], string> = {
  likert: 'Likert scale',
  choice: 'Multiple choice',
  text: 'Free text',
}

/**
 * The instrument builder: title, introduction, ordered questions (add, move, remove) and a live
 * preview of what learners see. The server validates again and answers with field messages.
 */
export function SurveyBuilder({
  initial,
  saving,
  error,
  onSave,
  saveLabel,
  note,
}: {
  initial: SurveyContentInput
  saving: boolean
  error: string | null
  onSave: (content: SurveyContentInput) => void
  saveLabel: string
  note?: string
}) {
  const [content, setContent] = useState<SurveyContentInput>(initial)
  const questions = content.questions
  const setQuestions = (qs: Question[]) => setContent({ ...content, questions: qs })
  const update = (i: number, q: Question) => setQuestions(questions.map((x, k) => (k === i ? q : x)))
  const move = (i: number, by: number) => {
    const j = i + by
    if (j < 0 || j >= questions.length) return
    const qs = [...questions]
    ;[qs[i], qs[j]] = [qs[j] as Question, qs[i] as Question]
    setQuestions(qs)
  }

  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
      <Stack gap="md">
        <TextInput
          label="Title"
          required
          value={content.title}
          onChange={(e) => setContent({ ...content, title: e.currentTarget.value })}
        />
        <Textarea
          label="Introduction"
          description="Shown above the questions."
          autosize
          minRows={2}
          value={content.introduction ?? ''}
          onChange={(e) => setContent({ ...content, introduction: e.currentTarget.value })}
        />
        {questions.map((q, i) => (
          <Card withBorder key={q.id} aria-label={`Question ${i + 1}`}>
            <Stack gap="xs">
              <Group justify="space-between">
                <Text fw={600}>
                  Question {i + 1} · {kindLabel[q.kind]}
                </Text>
                <Group gap={4}>
                  <Button size="compact-xs" variant="subtle" disabled={i === 0} onClick={() => move(i, -1)}>
                    Move up
                  </Button>
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    disabled={i === questions.length - 1}
                    onClick={() => move(i, 1)}
                  >
                    Move down
                  </Button>
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    color="red"
                    onClick={() => setQuestions(questions.filter((_, k) => k !== i))}
                  >
                    Remove
                  </Button>
                </Group>
              </Group>
              <TextInput
                label={q.kind === 'likert' ? 'Statement' : 'Question'}
                required
                value={q.stem}
                onChange={(e) => update(i, { ...q, stem: e.currentTarget.value })}
              />
              {q.kind === 'likert' ? <LikertFields q={q} onChange={(x) => update(i, x)} /> : null}
              {q.kind === 'choice' ? <ChoiceFields q={q} onChange={(x) => update(i, x)} /> : null}
              {q.kind === 'text' ? (
                <NumberInput
                  label="Longest answer (characters)"
                  min={1}
                  max={2000}
                  value={q.maxLength}
                  onChange={(v) => update(i, { ...q, maxLength: Number(v) || 1 })}
                />
              ) : null}
            </Stack>
          </Card>
        ))}
        <Group gap="xs">
          <Button
            variant="light"
            onClick={() => setQuestions([...questions, newQuestion('likert', questions)])}
          >
            Add Likert question
          </Button>
          <Button
            variant="light"
            onClick={() => setQuestions([...questions, newQuestion('choice', questions)])}
          >
            Add multiple-choice question
          </Button>
          <Button
            variant="light"
            onClick={() => setQuestions([...questions, newQuestion('text', questions)])}
          >
            Add free-text question
          </Button>
        </Group>
        {error ? (
          <Alert color="red" role="alert" title="Not saved">
            {error}
          </Alert>
        ) : null}
        {note ? (
          <Text size="sm" c="dimmed">
            {note}
          </Text>
        ) : null}
        <Group>
          <Button onClick={() => onSave(content)} loading={saving}>
            {saveLabel}
          </Button>
        </Group>
      </Stack>
      <SurveyPreview content={content} />
    </SimpleGrid>
  )
}

function LikertFields({ q, onChange }: { q: Likert; onChange: (q: Likert) => void }) {
  return (
    <Stack gap="xs">
      <div>
        <Text size="sm" fw={500} id={`points-${q.id}`}>
          Points on the scale
        </Text>
        <SegmentedControl
          aria-labelledby={`points-${q.id}`}
          value={String(q.points)}
          onChange={(v) => {
            const points = v === '7' ? 7 : 5
            onChange({ ...q, points, anchors: points === 7 ? [...AGREE_7] : [...AGREE_5] })
          }}
          data={[
            { value: '5', label: '5 points' },
            { value: '7', label: '7 points' },
          ]}
        />
      </div>
      {q.anchors.map((a, k) => (
        <TextInput
          // biome-ignore lint/suspicious/noArrayIndexKey: anchors are positions on the scale
          key={k}
          size="xs"
          label={`Label for ${k + 1}`}
          value={a}
          onChange={(e) =>
            onChange({ ...q, anchors: q.anchors.map((x, j) => (j === k ? e.currentTarget.value : x)) })
          }
        />
      ))}
    </Stack>
  )
}

function ChoiceFields({ q, onChange }: { q: Choice; onChange: (q: Choice) => void }) {
  const nextOption = () => {
    const used = new Set(q.options.map((o) => o.id))
    for (const c of 'abcdefghijklmnopqrstuvwxyz') if (!used.has(c)) return c
    return `o${q.options.length + 1}`
  }
  return (
    <Stack gap="xs">
      <Group>
        <Checkbox
          label="Learners may choose several"
          checked={Boolean(q.multiple)}
          onChange={(e) => onChange({ ...q, multiple: e.currentTarget.checked })}
        />
        <Checkbox
          label="Offer “Other”"
          checked={Boolean(q.allowOther)}
          onChange={(e) => onChange({ ...q, allowOther: e.currentTarget.checked })}
        />
      </Group>
      {q.options.map((o, k) => (
        <Group key={o.id} gap="xs" align="flex-end">
          <TextInput
            size="xs"
            style={{ flex: 1 }}
            label={`Option ${k + 1}`}
            value={o.text}
            onChange={(e) =>
              onChange({
                ...q,
                options: q.options.map((x) => (x.id === o.id ? { ...x, text: e.currentTarget.value } : x)),
              })
            }
          />
          <Button
            size="compact-xs"
            variant="subtle"
            color="red"
            disabled={q.options.length <= 2}
            onClick={() => onChange({ ...q, options: q.options.filter((x) => x.id !== o.id) })}
          >
            Remove option
          </Button>
        </Group>
      ))}
      <Group>
        <Button
          size="compact-sm"
          variant="subtle"
          disabled={q.options.length >= 12}
          onClick={() => onChange({ ...q, options: [...q.options, { id: nextOption(), text: '' }] })}
        >
          Add option
        </Button>
      </Group>
    </Stack>
  )
}

/** What learners see, as they will see it (inputs inert). */
export function SurveyPreview({ content }: { content: SurveyContentInput }) {
  return (
    <Card withBorder bg="var(--mantine-color-gray-0)" aria-label="Preview">
      <Stack gap="sm">
        <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
          Preview
        </Text>
        <Title order={2} fz="h3">
          {content.title || 'Untitled survey'}
        </Title>
        {content.introduction ? <Text>{content.introduction}</Text> : null}
        {content.questions.length === 0 ? <Text c="dimmed">Add a question to see it here.</Text> : null}
        {content.questions.map((q, i) => (
          <Stack key={q.id} gap={4}>
            <Text fw={600}>
              {i + 1}. {q.stem || '…'}
            </Text>
            {q.kind === 'likert' ? (
              <Radio.Group>
                <Stack gap={2}>
                  {q.anchors.map((a, k) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: anchors are positions on the scale
                    <Radio key={k} value={String(k + 1)} label={`${k + 1} — ${a}`} disabled />
                  ))}
                </Stack>
              </Radio.Group>
            ) : null}
            {q.kind === 'choice' ? (
              <Stack gap={2}>
                {[...q.options, ...(q.allowOther ? [{ id: '__other', text: 'Other: …' }] : [])].map((o) =>
                  q.multiple ? (
                    <Checkbox key={o.id} label={o.text || '…'} disabled />
                  ) : (
                    <Radio key={o.id} value={o.id} label={o.text || '…'} disabled />
                  ),
                )}
              </Stack>
            ) : null}
            {q.kind === 'text' ? (
              <Textarea
                disabled
                placeholder={`Up to ${q.maxLength} characters`}
                aria-label={q.stem || 'Answer'}
              />
            ) : null}
          </Stack>
        ))}
      </Stack>
    </Card>
  )
}
