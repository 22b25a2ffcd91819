import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  Modal,
  NumberInput,
  Radio,
  Select,
  Stack,
  Table,
  Tabs,
  Text,
  Textarea,
  TextInput,
  VisuallyHidden,
} from '@mantine/core'
import { useForm } from '@mantine/form'
import { notifications } from '@mantine/notifications'
import { useState } from 'react'
import { Link } from 'react-router'
import { errorMessage } from '../api/client.ts'
import {
  certificateLinks,
  useLesson,
  useLessons,
  useOrganisationCertificates,
  useQuestionBank,
  useRevokeCertificate,
  useSaveLesson,
  useSaveQuestion,
  useWithdrawLesson,
  useWithdrawQuestion,
} from '../api/standards.ts'
import type { Lesson, LessonSummary, Question, QuestionKind, TrainingTopic } from '../api/types.ts'
import { formatDate } from '../lib/format.ts'
import { applyFieldErrors, focusFirstInvalid } from '../lib/forms.ts'
import { topicLabels, topicOptions } from '../lib/labels.ts'
import { useCurrentOrganisation } from '../org/OrganisationContext.tsx'
import { ErrorState, PageLoader, PageTitle } from '../shell/Page.tsx'
import { Markdown } from '../standards/Markdown.tsx'
import { CertificateStatusBadge, SourceList } from './parts.tsx'
import {
  fromSourceValues,
  SourcesEditor,
  type SourceValues,
  toSourceValues,
  validateSources,
} from './SourcesEditor.tsx'

type Status = 'draft' | 'published' | 'withdrawn'

function StatusBadge({ status }: { status: Status }) {
  const colors: Record<Status, string> = { published: 'teal', draft: 'orange', withdrawn: 'gray' }
  const labels: Record<Status, string> = { published: 'Published', draft: 'Draft', withdrawn: 'Withdrawn' }
  return (
    <Badge color={colors[status]} variant="light">
      {labels[status]}
    </Badge>
  )
}

function OriginBadge({ builtIn }: { builtIn: boolean }) {
  return builtIn ? (
    <Badge color="gray" variant="outline">
      Built in
    </Badge>
  ) : (
    <Badge color="grape" variant="light">
      Your organisation
    </Badge>
  )
}

function ConfirmWithdraw({
  what,
  opened,
  onClose,
  onConfirm,
  loading,
}: {
  what: string
  opened: boolean
  onClose: () => void
  onConfirm: () => void
  loading: boolean
}) {
  return (
    <Modal opened={opened} onClose={onClose} title={`Withdraw “${what}”?`}>
      <Stack gap="md">
        <Text size="sm">
          Learners will no longer see it. Its versions are kept, and you can publish it again by editing it.
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} data-autofocus>
            Cancel
          </Button>
          <Button color="red" onClick={onConfirm} loading={loading}>
            Withdraw
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}

// ---- lessons ----

type LessonValues = {
  topic: TrainingTopic
  title: string
  summary: string
  bodyMd: string
  position: number | string
  status: 'draft' | 'published'
  sources: SourceValues[]
}

function lessonValues(lesson: Lesson | null): LessonValues {
  return {
    topic: lesson?.topic ?? 'local',
    title: lesson?.title ?? '',
    summary: lesson?.summary ?? '',
    bodyMd: lesson?.bodyMd ?? '',
    position: lesson?.position ?? 100,
    status: lesson?.status === 'draft' ? 'draft' : 'published',
    sources: toSourceValues(lesson?.sources ?? []),
  }
}

function LessonForm({ lesson, onDone }: { lesson: Lesson | null; onDone: () => void }) {
  const { organisation } = useCurrentOrganisation()
  const save = useSaveLesson(organisation.slug)
  const [error, setError] = useState<string | null>(null)
  const [preview, setPreview] = useState(false)
  const form = useForm<LessonValues>({
    initialValues: lessonValues(lesson),
    validate: (values) => ({
      title: values.title.trim().length < 3 ? 'Enter a title of at least 3 characters' : null,
      bodyMd: values.bodyMd.trim() ? null : 'Write the lesson',
      position:
        Number.isInteger(Number(values.position)) && Number(values.position) >= 0 ? null : 'Enter a number',
      ...validateSources(values.sources),
    }),
  })
  const submit = form.onSubmit(async (values) => {
    setError(null)
    try {
      const saved = await save.mutateAsync({
        id: lesson?.id ?? null,
        input: {
          topic: values.topic,
          title: values.title.trim(),
          summary: values.summary.trim(),
          bodyMd: values.bodyMd,
          position: Number(values.position),
          status: values.status,
          sources: fromSourceValues(values.sources),
        },
      })
      notifications.show({
        color: 'teal',
        message: `“${saved.title}” saved as version ${saved.version}${saved.status === 'draft' ? ' (draft)' : ''}.`,
      })
      onDone()
    } catch (caught) {
      if (applyFieldErrors(form, caught, ['topic', 'title', 'summary', 'bodyMd', 'position', 'sources'])) {
        setError('Please correct the highlighted fields.')
        focusFirstInvalid()
      } else setError(errorMessage(caught, 'Could not save the lesson.'))
    }
  }, focusFirstInvalid)
  return (
    <form onSubmit={submit} noValidate aria-label={lesson ? 'Edit lesson' : 'New lesson'}>
      <Stack gap="md">
        {error ? (
          <Alert color="red" variant="light">
            {error}
          </Alert>
        ) : null}
        <TextInput label="Title" required data-autofocus {...form.getInputProps('title')} />
        <Group grow align="flex-start" wrap="wrap">
          <Select
            label="Topic"
            data={topicOptions}
            allowDeselect={false}
            miw={220}
            comboboxProps={{ withinPortal: true }}
            {...form.getInputProps('topic')}
          />
          <NumberInput
            label="Position"
            description="Lessons are listed by position; built-in ones use 10 to 50."
            min={0}
            max={10000}
            allowDecimal={false}
            miw={160}
            {...form.getInputProps('position')}
          />
        </Group>
        <Textarea
          label="Summary"
          description="One or two sentences shown in the list."
          autosize
          minRows={2}
          {...form.getInputProps('summary')}
        />
        <Stack gap={4}>
          <Group justify="space-between">
            <Text size="sm" fw={500} component="label" htmlFor="lesson-body">
              Lesson (Markdown)
            </Text>
            <Button variant="subtle" size="xs" onClick={() => setPreview((p) => !p)} aria-pressed={preview}>
              {preview ? 'Edit' : 'Preview'}
            </Button>
          </Group>
          {preview ? (
            <Card withBorder padding="md" radius="sm" aria-label="Preview">
              <Markdown>{form.values.bodyMd || '*Nothing written yet.*'}</Markdown>
            </Card>
          ) : (
            <Textarea
              id="lesson-body"
              description="Headings with ##, lists with -, **bold**, [links](https://…). HTML is not allowed."
              autosize
              minRows={10}
              maxRows={30}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
              {...form.getInputProps('bodyMd')}
            />
          )}
        </Stack>
        <SourcesEditor form={form} sources={form.values.sources} />
        <Radio.Group label="Status" {...form.getInputProps('status')}>
          <Group gap="lg" mt="xs">
            <Radio value="published" label="Published: learners see it" />
            <Radio value="draft" label="Draft: only admins see it" />
          </Group>
        </Radio.Group>
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            Save lesson
          </Button>
        </Group>
      </Stack>
    </form>
  )
}

function LessonEditor({ target, onClose }: { target: LessonSummary | 'new' | null; onClose: () => void }) {
  const { organisation } = useCurrentOrganisation()
  const id = target && target !== 'new' ? target.id : ''
  const lesson = useLesson(organisation.slug, id, Boolean(id))
  return (
    <Modal
      opened={target !== null}
      onClose={onClose}
      title={target === 'new' ? 'Add a lesson' : `Edit “${target?.title ?? ''}”`}
      size="xl"
    >
      {target === 'new' ? (
        <LessonForm lesson={null} onDone={onClose} />
      ) : lesson.isPending ? (
        <PageLoader label="Loading the lesson" />
      ) : lesson.isError ? (
        <ErrorState error={lesson.error} onRetry={() => lesson.refetch()} />
      ) : (
        <LessonForm key={`${lesson.data.id}@${lesson.data.version}`} lesson={lesson.data} onDone={onClose} />
      )}
    </Modal>
  )
}

function LessonsTab() {
  const { organisation } = useCurrentOrganisation()
  const lessons = useLessons(organisation.slug)
  const withdraw = useWithdrawLesson(organisation.slug)
  const [editing, setEditing] = useState<LessonSummary | 'new' | null>(null)
  const [withdrawing, setWithdrawing] = useState<LessonSummary | null>(null)

  const confirmWithdraw = async () => {
    if (!withdrawing) return
    try {
      await withdraw.mutateAsync(withdrawing.id)
      notifications.show({ message: `“${withdrawing.title}” was withdrawn.` })
    } catch (error) {
      notifications.show({ color: 'red', title: 'Lesson not withdrawn', message: errorMessage(error) })
    }
    setWithdrawing(null)
  }

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Text size="sm" c="dimmed" maw={640}>
          Built-in lessons are maintained by Rounds and cannot be changed here. Add lessons of your own, for
          example on your local policy; every save is kept as a new version.
        </Text>
        <Button onClick={() => setEditing('new')}>Add a lesson</Button>
      </Group>
      {lessons.isPending ? (
        <PageLoader label="Loading lessons" />
      ) : lessons.isError ? (
        <ErrorState error={lessons.error} onRetry={() => lessons.refetch()} />
      ) : (
        <Card withBorder padding={0} radius="md">
          <Table.ScrollContainer minWidth={760}>
            <Table verticalSpacing="sm" horizontalSpacing="md" aria-label="Lessons">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Lesson</Table.Th>
                  <Table.Th>Origin</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Version</Table.Th>
                  <Table.Th>Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {lessons.data.map((lesson) => (
                  <Table.Tr key={lesson.id}>
                    <Table.Td>
                      <Text size="sm" fw={600}>
                        {lesson.title}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {topicLabels[lesson.topic]} · position {lesson.position}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <OriginBadge builtIn={lesson.builtIn} />
                    </Table.Td>
                    <Table.Td>
                      <StatusBadge status={lesson.status} />
                    </Table.Td>
                    <Table.Td className="table-nowrap">
                      {lesson.version} · {formatDate(lesson.updatedAt)}
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        <Button
                          size="xs"
                          variant="subtle"
                          component={Link}
                          to={`/training/lessons/${encodeURIComponent(lesson.id)}`}
                          aria-label={`View ${lesson.title}`}
                        >
                          View
                        </Button>
                        {lesson.builtIn ? null : (
                          <>
                            <Button
                              size="xs"
                              variant="light"
                              onClick={() => setEditing(lesson)}
                              aria-label={`Edit ${lesson.title}`}
                            >
                              Edit
                            </Button>
                            {lesson.status === 'withdrawn' ? null : (
                              <Button
                                size="xs"
                                variant="subtle"
                                color="red"
                                onClick={() => setWithdrawing(lesson)}
                                aria-label={`Withdraw ${lesson.title}`}
                              >
                                Withdraw
                              </Button>
                            )}
                          </>
                        )}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
      <LessonEditor target={editing} onClose={() => setEditing(null)} />
      <ConfirmWithdraw
        what={withdrawing?.title ?? ''}
        opened={withdrawing !== null}
        onClose={() => setWithdrawing(null)}
        onConfirm={confirmWithdraw}
        loading={withdraw.isPending}
      />
    </Stack>
  )
}

// ---- questions ----

type OptionValues = { text: string; correct: boolean; feedback: string; citation: string }
type QuestionValues = {
  topic: TrainingTopic
  kind: QuestionKind
  prompt: string
  status: 'draft' | 'published'
  options: OptionValues[]
  sources: SourceValues[]
}

const emptyOption = (): OptionValues => ({ text: '', correct: false, feedback: '', citation: '' })

function questionValues(question: Question | null): QuestionValues {
  return {
    topic: question?.topic ?? 'local',
    kind: question?.kind ?? 'single',
    prompt: question?.prompt ?? '',
    status: question?.status === 'draft' ? 'draft' : 'published',
    options: question
      ? question.options.map((o) => ({
          text: o.text,
          correct: o.correct,
          feedback: o.feedback,
          citation: o.citation,
        }))
      : [emptyOption(), emptyOption()],
    sources: toSourceValues(question?.sources ?? []),
  }
}

function QuestionForm({ question, onDone }: { question: Question | null; onDone: () => void }) {
  const { organisation } = useCurrentOrganisation()
  const save = useSaveQuestion(organisation.slug)
  const [error, setError] = useState<string | null>(null)
  const form = useForm<QuestionValues>({
    initialValues: questionValues(question),
    validate: (values) => {
      const errors: Record<string, string | null> = {
        prompt: values.prompt.trim().length < 10 ? 'Write the question (at least 10 characters)' : null,
        ...validateSources(values.sources),
      }
      values.options.forEach((o, i) => {
        if (!o.text.trim()) errors[`options.${i}.text`] = 'Enter the answer'
        if (!o.feedback.trim()) errors[`options.${i}.feedback`] = 'Explain why this answer is right or wrong'
      })
      const right = values.options.filter((o) => o.correct).length
      if (values.kind === 'single' && right !== 1) errors.options = 'Mark exactly one answer correct'
      if (values.kind === 'multiple' && right < 1) errors.options = 'Mark at least one answer correct'
      return errors
    },
  })
  const submit = form.onSubmit(
    async (values) => {
      setError(null)
      try {
        const saved = await save.mutateAsync({
          id: question?.id ?? null,
          input: {
            topic: values.topic,
            kind: values.kind,
            prompt: values.prompt.trim(),
            status: values.status,
            options: values.options.map((o) => ({
              text: o.text.trim(),
              correct: o.correct,
              feedback: o.feedback.trim(),
              citation: o.citation.trim(),
            })),
            sources: fromSourceValues(values.sources),
          },
        })
        notifications.show({ color: 'teal', message: `Question saved as version ${saved.version}.` })
        onDone()
      } catch (caught) {
        if (applyFieldErrors(form, caught, ['topic', 'kind', 'prompt', 'options', 'sources'])) {
          setError('Please correct the highlighted fields.')
          focusFirstInvalid()
        } else setError(errorMessage(caught, 'Could not save the question.'))
      }
    },
    (errors) => {
      if (errors.options) setError(String(errors.options))
      focusFirstInvalid()
    },
  )
  const optionsError = form.errors.options
  return (
    <form onSubmit={submit} noValidate aria-label={question ? 'Edit question' : 'New question'}>
      <Stack gap="md">
        {error ? (
          <Alert color="red" variant="light">
            {error}
          </Alert>
        ) : null}
        <Textarea
          label="Question"
          description="A situation and what to decide, e.g. “Is this post safe to publish?”"
          required
          autosize
          minRows={3}
          data-autofocus
          {...form.getInputProps('prompt')}
        />
        <Group grow align="flex-start" wrap="wrap">
          <Select
            label="Topic"
            data={topicOptions}
            allowDeselect={false}
            miw={220}
            comboboxProps={{ withinPortal: true }}
            {...form.getInputProps('topic')}
          />
          <Radio.Group label="Answers" {...form.getInputProps('kind')}>
            <Group gap="md" mt="xs">
              <Radio value="single" label="One is right" />
              <Radio value="multiple" label="Several may be right" />
            </Group>
          </Radio.Group>
        </Group>
        <Stack gap="xs">
          <Text size="sm" fw={500}>
            Options
          </Text>
          {optionsError ? (
            <Text size="sm" c="red">
              {optionsError}
            </Text>
          ) : null}
          {form.values.options.map((_, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are positions in the form's list
            <Card key={index} withBorder padding="sm" radius="sm">
              <Stack gap="xs">
                <TextInput label={`Option ${index + 1}`} {...form.getInputProps(`options.${index}.text`)} />
                <Checkbox
                  label="This answer is correct"
                  {...form.getInputProps(`options.${index}.correct`, { type: 'checkbox' })}
                />
                <Textarea
                  label="Feedback"
                  description="Why this answer is right or wrong, in the guidance's terms."
                  autosize
                  minRows={2}
                  {...form.getInputProps(`options.${index}.feedback`)}
                />
                <TextInput
                  label="Citation"
                  description="Optional, e.g. “Using social media — GMC, 2024”."
                  {...form.getInputProps(`options.${index}.citation`)}
                />
                <Group justify="flex-end">
                  <Button
                    size="xs"
                    variant="subtle"
                    color="red"
                    disabled={form.values.options.length <= 2}
                    onClick={() => form.removeListItem('options', index)}
                    aria-label={`Remove option ${index + 1}`}
                  >
                    Remove
                  </Button>
                </Group>
              </Stack>
            </Card>
          ))}
          <Group>
            <Button
              variant="default"
              size="xs"
              disabled={form.values.options.length >= 8}
              onClick={() => form.insertListItem('options', emptyOption())}
            >
              Add an option
            </Button>
          </Group>
        </Stack>
        <SourcesEditor form={form} sources={form.values.sources} />
        <Radio.Group label="Status" {...form.getInputProps('status')}>
          <Group gap="lg" mt="xs">
            <Radio value="published" label="Published: drawn in new attempts" />
            <Radio value="draft" label="Draft: not drawn" />
          </Group>
        </Radio.Group>
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            Save question
          </Button>
        </Group>
      </Stack>
    </form>
  )
}

function QuestionView({ question }: { question: Question }) {
  return (
    <Stack gap="sm">
      <Group gap="xs">
        <Badge variant="light">{topicLabels[question.topic]}</Badge>
        <OriginBadge builtIn={question.builtIn} />
        <StatusBadge status={question.status} />
        <Text size="xs" c="dimmed">
          {question.kind === 'single' ? 'One right answer' : 'Several may be right'} · version{' '}
          {question.version}
        </Text>
      </Group>
      <Text size="sm">{question.prompt}</Text>
      <Stack gap="xs" component="ol" style={{ paddingLeft: 20, margin: 0 }}>
        {question.options.map((option) => (
          <li key={option.id}>
            <Text size="sm" fw={option.correct ? 700 : 400}>
              {option.text}{' '}
              {option.correct ? (
                <Badge size="xs" color="teal" variant="light">
                  Correct
                </Badge>
              ) : null}
            </Text>
            <Text size="xs" c="dimmed">
              {option.feedback}
              {option.citation ? ` (${option.citation})` : ''}
            </Text>
          </li>
        ))}
      </Stack>
      {question.sources.length ? <SourceList sources={question.sources} /> : null}
    </Stack>
  )
}

function QuestionsTab() {
  const { organisation } = useCurrentOrganisation()
  const questions = useQuestionBank(organisation.slug)
  const withdraw = useWithdrawQuestion(organisation.slug)
  const [editing, setEditing] = useState<Question | 'new' | null>(null)
  const [viewing, setViewing] = useState<Question | null>(null)
  const [withdrawing, setWithdrawing] = useState<Question | null>(null)
  const live = questions.data?.filter((q) => q.status === 'published').length ?? 0

  const confirmWithdraw = async () => {
    if (!withdrawing) return
    try {
      await withdraw.mutateAsync(withdrawing.id)
      notifications.show({ message: 'The question was withdrawn from future attempts.' })
    } catch (error) {
      notifications.show({ color: 'red', title: 'Question not withdrawn', message: errorMessage(error) })
    }
    setWithdrawing(null)
  }

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Text size="sm" c="dimmed" maw={640}>
          Each attempt draws 12 published questions covering every topic. Built-in questions cannot be changed
          here; add your own beside them. Attempts already started keep the version they drew.
          {questions.data ? ` ${live} questions are published.` : ''}
        </Text>
        <Button onClick={() => setEditing('new')}>Add a question</Button>
      </Group>
      {questions.isPending ? (
        <PageLoader label="Loading the question bank" />
      ) : questions.isError ? (
        <ErrorState error={questions.error} onRetry={() => questions.refetch()} />
      ) : (
        <Card withBorder padding={0} radius="md">
          <Table.ScrollContainer minWidth={820}>
            <Table verticalSpacing="sm" horizontalSpacing="md" aria-label="Questions">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Question</Table.Th>
                  <Table.Th>Origin</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {questions.data.map((question) => {
                  const short =
                    question.prompt.length > 140 ? `${question.prompt.slice(0, 140)}…` : question.prompt
                  return (
                    <Table.Tr key={question.id}>
                      <Table.Td maw={520}>
                        <Text size="sm">{short}</Text>
                        <Text size="xs" c="dimmed">
                          {topicLabels[question.topic]} ·{' '}
                          {question.kind === 'single' ? 'one answer' : 'several answers'} · version{' '}
                          {question.version}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <OriginBadge builtIn={question.builtIn} />
                      </Table.Td>
                      <Table.Td>
                        <StatusBadge status={question.status} />
                      </Table.Td>
                      <Table.Td>
                        <Group gap="xs" wrap="nowrap">
                          <Button size="xs" variant="subtle" onClick={() => setViewing(question)}>
                            View
                          </Button>
                          {question.builtIn ? null : (
                            <>
                              <Button size="xs" variant="light" onClick={() => setEditing(question)}>
                                Edit
                              </Button>
                              {question.status === 'withdrawn' ? null : (
                                <Button
                                  size="xs"
                                  variant="subtle"
                                  color="red"
                                  onClick={() => setWithdrawing(question)}
                                >
                                  Withdraw
                                </Button>
                              )}
                            </>
                          )}
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  )
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === 'new' ? 'Add a question' : 'Edit question'}
        size="xl"
      >
        {editing ? (
          <QuestionForm
            key={editing === 'new' ? 'new' : `${editing.id}@${editing.version}`}
            question={editing === 'new' ? null : editing}
            onDone={() => setEditing(null)}
          />
        ) : null}
      </Modal>
      <Modal opened={viewing !== null} onClose={() => setViewing(null)} title="Question" size="lg">
        {viewing ? <QuestionView question={viewing} /> : null}
      </Modal>
      <ConfirmWithdraw
        what={withdrawing ? withdrawing.prompt.slice(0, 60) : ''}
        opened={withdrawing !== null}
        onClose={() => setWithdrawing(null)}
        onConfirm={confirmWithdraw}
        loading={withdraw.isPending}
      />
    </Stack>
  )
}

// ---- certificates ----

/** Asks for the reason, then revokes: the certificate fails verification and no longer counts. */
function RevokeCertificateModal({
  target,
  onClose,
}: {
  target: { id: string; holder: string } | null
  onClose: () => void
}) {
  const { organisation } = useCurrentOrganisation()
  const revoke = useRevokeCertificate(organisation.slug)
  const form = useForm({
    initialValues: { reason: '' },
    validate: { reason: (v) => (v.trim().length >= 5 ? null : 'Say why (at least 5 characters)') },
  })
  const [error, setError] = useState<string | null>(null)
  const close = () => {
    form.reset()
    setError(null)
    onClose()
  }
  const submit = form.onSubmit(async (values) => {
    if (!target) return
    setError(null)
    try {
      await revoke.mutateAsync({ certificateId: target.id, reason: values.reason.trim() })
      notifications.show({ color: 'teal', message: `${target.holder}’s certificate was revoked.` })
      close()
    } catch (caught) {
      if (!applyFieldErrors(form, caught, ['reason'])) setError(errorMessage(caught, 'Could not revoke it.'))
    }
  }, focusFirstInvalid)
  return (
    <Modal opened={target !== null} onClose={close} title="Revoke the certificate">
      <form onSubmit={submit} noValidate aria-label="Revoke the certificate">
        <Stack gap="sm">
          <Text size="sm">
            {target?.holder} will no longer be able to submit content until they pass the assessment again,
            and anyone checking the certificate or its credential will see it was revoked, with your reason.
            They are told by email.
          </Text>
          {error ? (
            <Alert color="red" variant="light">
              {error}
            </Alert>
          ) : null}
          <Textarea
            label="Reason"
            required
            autosize
            minRows={2}
            maxLength={500}
            {...form.getInputProps('reason')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" color="red" loading={revoke.isPending}>
              Revoke
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}

function CertificatesTab() {
  const { organisation } = useCurrentOrganisation()
  const certificates = useOrganisationCertificates(organisation.slug)
  const [revoking, setRevoking] = useState<{ id: string; holder: string } | null>(null)
  if (certificates.isPending) return <PageLoader label="Loading certificates" />
  if (certificates.isError)
    return <ErrorState error={certificates.error} onRetry={() => certificates.refetch()} />
  if (certificates.data.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        Nobody in {organisation.name} has passed the assessment yet.
      </Text>
    )
  }
  const valid = certificates.data.filter((c) => c.status === 'valid').length
  return (
    <Stack gap="sm">
      <RevokeCertificateModal target={revoking} onClose={() => setRevoking(null)} />
      <Text size="sm" c="dimmed">
        {certificates.data.length} certificates issued, {valid} valid now.
      </Text>
      <Card withBorder padding={0} radius="md">
        <Table.ScrollContainer minWidth={760}>
          <Table verticalSpacing="sm" horizontalSpacing="md" aria-label="Certificates">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Holder</Table.Th>
                <Table.Th>Issued</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Documents</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {certificates.data.map((certificate) => {
                const links = certificateLinks(organisation.slug, certificate.id)
                return (
                  <Table.Tr key={certificate.id}>
                    <Table.Td>
                      <Text size="sm" fw={600}>
                        {certificate.holder.name}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {certificate.holder.email}
                      </Text>
                    </Table.Td>
                    <Table.Td className="table-nowrap">{formatDate(certificate.issuedAt)}</Table.Td>
                    <Table.Td className="table-nowrap">{formatDate(certificate.expiresAt)}</Table.Td>
                    <Table.Td>
                      <CertificateStatusBadge status={certificate.status} />
                    </Table.Td>
                    <Table.Td>
                      <Group gap="sm" wrap="nowrap">
                        <Anchor href={links.pdf} download size="sm">
                          PDF
                        </Anchor>
                        <Anchor href={links.html} target="_blank" rel="noopener" size="sm">
                          Printable page
                        </Anchor>
                        <Anchor href={links.credential} download size="sm">
                          Open Badges
                        </Anchor>
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      {certificate.status === 'revoked' ? null : (
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          onClick={() => setRevoking({ id: certificate.id, holder: certificate.holder.name })}
                        >
                          Revoke
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                )
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Card>
    </Stack>
  )
}

export function TrainingAdminPage() {
  const [tab, setTab] = useState<string | null>('lessons')
  return (
    <>
      <PageTitle
        description="The lessons and assessment questions your members study, and the certificates they have earned."
        actions={
          <Button component={Link} to="/training" variant="default">
            Open training
          </Button>
        }
      >
        Training content
      </PageTitle>
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="lessons">Lessons</Tabs.Tab>
          <Tabs.Tab value="questions">Questions</Tabs.Tab>
          <Tabs.Tab value="certificates">Certificates</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="lessons">
          <LessonsTab />
        </Tabs.Panel>
        <Tabs.Panel value="questions">
          <QuestionsTab />
        </Tabs.Panel>
        <Tabs.Panel value="certificates">
          <CertificatesTab />
        </Tabs.Panel>
      </Tabs>
    </>
  )
}
