import {
  ActionIcon,
  Alert,
  Button,
  Card,
  Checkbox,
  Group,
  NumberInput,
  Radio,
  Select,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core'
import { memo, useMemo } from 'react'
import {
  type Quiz,
  type QuizKind,
  type QuizQuestion,
  quizKinds,
  quizSchema,
} from '../../../src/capabilities/learning/quizzes/quiz.schema.ts'

/**
 * The item's quiz in the editor: questions with options, the correct answers, an
 * explanation and the learning objective each tests; which quizzes learners take (before,
 * after, later) and when the later one opens. The quiz is part of the item's version: it is
 * reviewed with it and changing it after approval needs a new review.
 */

const kindLabels: Record<QuizKind, string> = {
  pre: 'Before the content',
  post: 'After the content',
  delayed: 'Later (delayed)',
}

const newId = (prefix: string, taken: string[]) => {
  let n = taken.length + 1
  while (taken.includes(`${prefix}${n}`)) n++
  return `${prefix}${n}`
}

function blankQuestion(taken: string[]): QuizQuestion {
  return {
    id: newId('q', taken),
    type: 'single',
    prompt: '',
    explanation: '',
    objective: '',
    options: [
      { id: 'a', text: '', correct: true },
      { id: 'b', text: '', correct: false },
    ],
  }
}

const emptyQuiz: Quiz = { questions: [], kinds: ['pre', 'post', 'delayed'], delayDays: 14, passScore: 0.7 }

export const QuizCard = memo(function QuizCard({
  quiz,
  objectives,
  readOnly,
  onChange,
}: {
  quiz: Quiz | null | undefined
  objectives: string[]
  readOnly: boolean
  onChange: (quiz: Quiz | null) => void
}) {
  const value = quiz ?? emptyQuiz
  const problems = useMemo(() => {
    if (!quiz || quiz.questions.length === 0) return []
    const parsed = quizSchema.safeParse(quiz)
    return parsed.success
      ? []
      : parsed.error.issues.map((i) => {
          const q = typeof i.path[1] === 'number' ? `Question ${i.path[1] + 1}: ` : ''
          return `${q}${i.message}`
        })
  }, [quiz])

  const set = (patch: Partial<Quiz>) => {
    const next = { ...value, ...patch }
    onChange(next.questions.length === 0 ? null : next)
  }
  const setQuestion = (index: number, patch: Partial<QuizQuestion>) =>
    set({ questions: value.questions.map((q, i) => (i === index ? { ...q, ...patch } : q)) })

  return (
    <Card withBorder radius="md" padding="md" component="section" aria-labelledby="quiz-heading">
      <Title order={2} size="h5" id="quiz-heading" mb="xs">
        Quiz
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Learners on the public page answer the same questions before and after the content, and again later,
        so you can see what they learned and kept. Tag each question with the objective it tests.
      </Text>
      <Stack gap="md">
        {value.questions.map((q, index) => (
          <Card
            key={q.id}
            withBorder
            radius="sm"
            padding="sm"
            component="fieldset"
            aria-label={`Question ${index + 1}`}
          >
            <Stack gap="xs">
              <Group justify="space-between" align="flex-end">
                <Radio.Group
                  label={`Question ${index + 1}`}
                  value={q.type}
                  onChange={(type) => {
                    const single = type === 'single'
                    let seen = false
                    const options = q.options.map((o) => {
                      if (!single) return o
                      const correct = o.correct && !seen
                      if (correct) seen = true
                      return { ...o, correct }
                    })
                    setQuestion(index, { type: single ? 'single' : 'multiple', options })
                  }}
                >
                  <Group gap="md" mt={4}>
                    <Radio value="single" label="One answer" disabled={readOnly} />
                    <Radio value="multiple" label="Several answers" disabled={readOnly} />
                  </Group>
                </Radio.Group>
                {!readOnly && (
                  <Button
                    variant="subtle"
                    color="red"
                    size="xs"
                    onClick={() => set({ questions: value.questions.filter((_, i) => i !== index) })}
                  >
                    Remove question
                  </Button>
                )}
              </Group>
              <Textarea
                label="Question"
                value={q.prompt}
                onChange={(e) => setQuestion(index, { prompt: e.currentTarget.value })}
                autosize
                minRows={1}
                readOnly={readOnly}
                required
              />
              <Text size="sm" fw={500}>
                Options {q.type === 'single' ? '(mark the correct one)' : '(mark every correct one)'}
              </Text>
              {q.options.map((o, oi) => (
                <Group key={o.id} gap="xs" wrap="nowrap">
                  {q.type === 'single' ? (
                    <Radio
                      aria-label={`Option ${oi + 1} is correct`}
                      checked={o.correct}
                      disabled={readOnly}
                      onChange={() =>
                        setQuestion(index, {
                          options: q.options.map((x) => ({ ...x, correct: x.id === o.id })),
                        })
                      }
                    />
                  ) : (
                    <Checkbox
                      aria-label={`Option ${oi + 1} is correct`}
                      checked={o.correct}
                      disabled={readOnly}
                      onChange={(e) => {
                        const correct = e.currentTarget.checked
                        setQuestion(index, {
                          options: q.options.map((x) => (x.id === o.id ? { ...x, correct } : x)),
                        })
                      }}
                    />
                  )}
                  <TextInput
                    style={{ flex: 1 }}
                    aria-label={`Option ${oi + 1}`}
                    value={o.text}
                    readOnly={readOnly}
                    onChange={(e) => {
                      const text = e.currentTarget.value
                      setQuestion(index, {
                        options: q.options.map((x) => (x.id === o.id ? { ...x, text } : x)),
                      })
                    }}
                  />
                  {!readOnly && q.options.length > 2 && (
                    <ActionIcon
                      variant="subtle"
                      color="gray"
                      aria-label={`Remove option ${oi + 1}`}
                      onClick={() => setQuestion(index, { options: q.options.filter((x) => x.id !== o.id) })}
                    >
                      ×
                    </ActionIcon>
                  )}
                </Group>
              ))}
              {!readOnly && q.options.length < 8 && (
                <Button
                  variant="light"
                  size="xs"
                  w="fit-content"
                  onClick={() =>
                    setQuestion(index, {
                      options: [
                        ...q.options,
                        {
                          id: newId(
                            'o',
                            q.options.map((o) => o.id),
                          ),
                          text: '',
                          correct: false,
                        },
                      ],
                    })
                  }
                >
                  Add option
                </Button>
              )}
              <Textarea
                label="Explanation"
                description="Shown to learners with their results."
                value={q.explanation}
                onChange={(e) => setQuestion(index, { explanation: e.currentTarget.value })}
                autosize
                minRows={1}
                readOnly={readOnly}
              />
              <Select
                label="Learning objective it tests"
                data={[...new Set([...objectives, ...(q.objective ? [q.objective] : [])])]}
                value={q.objective || null}
                onChange={(objective) => setQuestion(index, { objective: objective ?? '' })}
                placeholder={
                  objectives.length ? 'Choose an objective' : 'Add learning objectives above first'
                }
                clearable
                disabled={readOnly}
              />
            </Stack>
          </Card>
        ))}
        {!readOnly && value.questions.length < 30 && (
          <Button
            variant="light"
            w="fit-content"
            onClick={() =>
              set({ questions: [...value.questions, blankQuestion(value.questions.map((q) => q.id))] })
            }
          >
            Add question
          </Button>
        )}
        {value.questions.length > 0 && (
          <Group gap="lg" align="flex-end">
            <Checkbox.Group
              label="Learners take it"
              value={value.kinds}
              onChange={(kinds) => set({ kinds: quizKinds.filter((k) => kinds.includes(k)) })}
            >
              <Group gap="md" mt={4}>
                {quizKinds.map((k) => (
                  <Checkbox key={k} value={k} label={kindLabels[k]} disabled={readOnly || k === 'post'} />
                ))}
              </Group>
            </Checkbox.Group>
            {value.kinds.includes('delayed') && (
              <NumberInput
                label="Days until the delayed quiz"
                value={value.delayDays}
                onChange={(n) => set({ delayDays: typeof n === 'number' ? n : 14 })}
                min={1}
                max={365}
                w={200}
                readOnly={readOnly}
              />
            )}
          </Group>
        )}
        {problems.length > 0 && (
          <Alert color="yellow" title="The quiz cannot be saved yet">
            <ul style={{ margin: 0, paddingLeft: '1.2rem' }}>
              {problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </Alert>
        )}
      </Stack>
    </Card>
  )
})

/**
 * The fields to save: a quiz that is not valid yet (a question still being written) is left
 * out, so it never blocks saving the rest; the card shows what is missing.
 */
export function savableQuiz<T extends { quiz?: Quiz | null | undefined }>(form: T): T {
  if (!form.quiz || quizSchema.safeParse(form.quiz).success) return form
  const { quiz: _unsaved, ...rest } = form
  return rest as T
}
