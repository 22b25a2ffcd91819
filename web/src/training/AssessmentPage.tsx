import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  Radio,
  Stack,
  Text,
  ThemeIcon,
  Title,
} from '@mantine/core'
import { useRef, useState } from 'react'
import { Link, useParams } from 'react-router'
import { errorMessage, isApiError } from '../api/client.ts'
import { useAttempt, useSubmitAttempt } from '../api/standards.ts'
import type { AttemptResult, AttemptState, QuestionFeedback } from '../api/types.ts'
import { formatDateTime } from '../lib/format.ts'
import { topicLabels } from '../lib/labels.ts'
import { useCurrentOrganisation } from '../org/OrganisationContext.tsx'
import { CheckIcon, CrossIcon } from '../shell/icons.tsx'
import { ErrorState, PageLoader, PageTitle } from '../shell/Page.tsx'
import { CertificateCard, SourceList, StartAssessmentButton } from './parts.tsx'

type Answers = Record<string, string[]>

function QuestionForm({ attempt }: { attempt: AttemptState }) {
  const { organisation } = useCurrentOrganisation()
  const submit = useSubmitAttempt(organisation.slug, attempt.id)
  const [answers, setAnswers] = useState<Answers>({})
  const [error, setError] = useState<string | null>(null)
  const [showMissing, setShowMissing] = useState(false)
  const formRef = useRef<HTMLFormElement>(null)
  const total = attempt.questions.length
  const unanswered = attempt.questions.filter((q) => !answers[q.id]?.length)

  const onSubmit = async (event: React.FormEvent) => {
    event.preventDefault()
    setError(null)
    if (unanswered.length > 0) {
      setShowMissing(true)
      setError(
        `Answer every question before you submit: ${unanswered.length} of ${total} ${unanswered.length === 1 ? 'is' : 'are'} still unanswered.`,
      )
      const first = unanswered[0]
      requestAnimationFrame(() => {
        formRef.current?.querySelector<HTMLInputElement>(`[data-question-id="${first?.id}"] input`)?.focus()
      })
      return
    }
    try {
      await submit.mutateAsync(
        attempt.questions.map((q) => ({ questionId: q.id, optionIds: answers[q.id] ?? [] })),
      )
      window.scrollTo({ top: 0 })
    } catch (caught) {
      setError(
        isApiError(caught) && caught.code === 'ATTEMPT_EXPIRED'
          ? 'This attempt has expired (attempts must be submitted within 24 hours). Start a new one from the training page.'
          : errorMessage(caught, 'Could not submit your answers.'),
      )
    }
  }

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate aria-label="Assessment">
      <Stack gap="lg" maw={820}>
        <Text size="sm" c="dimmed">
          {total} questions. Choose one answer where a question has radio buttons, and every answer that
          applies where it has checkboxes. Pass mark {attempt.passMarkPercent}%. Submit by{' '}
          {formatDateTime(attempt.expiresAt)}.
        </Text>
        {attempt.questions.map((question, index) => {
          const label = `Question ${index + 1} of ${total}`
          const missing = showMissing && !answers[question.id]?.length
          const hint = question.kind === 'single' ? 'Choose one answer.' : 'Choose every answer that applies.'
          const description = (
            <>
              <Text component="span" display="block" size="md" c="var(--mantine-color-text)" mb={4}>
                {question.prompt}
              </Text>
              <Text component="span" display="block" size="xs" c="dimmed">
                {topicLabels[question.topic]} · {hint}
              </Text>
            </>
          )
          const error = missing ? 'Answer this question' : undefined
          return (
            <Card key={question.id} withBorder padding="lg" radius="md" data-question-id={question.id}>
              {question.kind === 'single' ? (
                <Radio.Group
                  label={label}
                  description={description}
                  error={error}
                  value={answers[question.id]?.[0] ?? ''}
                  onChange={(value) =>
                    setAnswers((prev) => ({ ...prev, [question.id]: value ? [value] : [] }))
                  }
                  styles={{ label: { fontWeight: 700 } }}
                >
                  <Stack gap="sm" mt="sm">
                    {question.options.map((option) => (
                      <Radio key={option.id} value={option.id} label={option.text} />
                    ))}
                  </Stack>
                </Radio.Group>
              ) : (
                <Checkbox.Group
                  label={label}
                  description={description}
                  error={error}
                  value={answers[question.id] ?? []}
                  onChange={(value) => setAnswers((prev) => ({ ...prev, [question.id]: value }))}
                  styles={{ label: { fontWeight: 700 } }}
                >
                  <Stack gap="sm" mt="sm">
                    {question.options.map((option) => (
                      <Checkbox key={option.id} value={option.id} label={option.text} />
                    ))}
                  </Stack>
                </Checkbox.Group>
              )}
            </Card>
          )
        })}
        {error ? (
          <Alert color="red" variant="light">
            {error}
          </Alert>
        ) : null}
        <Group justify="space-between">
          <Text size="sm" c="dimmed" aria-live="polite">
            {total - unanswered.length} of {total} answered
          </Text>
          <Button type="submit" loading={submit.isPending}>
            Submit answers
          </Button>
        </Group>
      </Stack>
    </form>
  )
}

function OptionMark({ selected, correct }: { selected: boolean; correct: boolean }) {
  return (
    <Group gap={4} wrap="nowrap" style={{ flexShrink: 0 }}>
      {selected ? (
        <Badge size="sm" variant="light" color={correct ? 'teal' : 'red'}>
          Your answer
        </Badge>
      ) : null}
      {correct ? (
        <Badge size="sm" variant="outline" color="teal">
          Correct answer
        </Badge>
      ) : null}
    </Group>
  )
}

function QuestionResult({
  feedback,
  index,
  total,
}: {
  feedback: QuestionFeedback
  index: number
  total: number
}) {
  const headingId = `feedback-${feedback.questionId}`
  return (
    <Card
      withBorder
      padding="lg"
      radius="md"
      component="section"
      aria-labelledby={headingId}
      data-question-id={feedback.questionId}
      data-testid="question-feedback"
    >
      <Group gap="sm" mb="xs" wrap="nowrap" align="flex-start">
        <ThemeIcon color={feedback.correct ? 'teal' : 'red'} variant="light" radius="xl" size={28}>
          {feedback.correct ? <CheckIcon size={16} /> : <CrossIcon size={16} />}
        </ThemeIcon>
        <Title order={3} size="h5" id={headingId}>
          Question {index + 1} of {total}: {feedback.correct ? 'correct' : 'not correct'}
        </Title>
      </Group>
      <Text size="sm" mb="sm">
        {feedback.prompt}
      </Text>
      <Stack gap="sm" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {feedback.options.map((option) => {
          const explain = option.selected || option.correct
          return (
            <li key={option.id}>
              <Card padding="sm" radius="sm" bg={explain ? 'var(--mantine-color-default-hover)' : undefined}>
                <Group justify="space-between" align="flex-start" wrap="nowrap" gap="sm">
                  <Text size="sm" fw={option.selected ? 600 : 400}>
                    {option.text}
                  </Text>
                  <OptionMark selected={option.selected} correct={option.correct} />
                </Group>
                {explain ? (
                  <>
                    <Text size="sm" mt={6}>
                      {option.feedback}
                    </Text>
                    {option.citation ? (
                      <Text size="xs" c="dimmed" mt={4}>
                        Source: {option.citation}
                      </Text>
                    ) : null}
                  </>
                ) : null}
              </Card>
            </li>
          )
        })}
      </Stack>
      {feedback.sources.length > 0 ? (
        <Stack gap={4} mt="sm">
          <Text size="xs" fw={600}>
            Read more
          </Text>
          <SourceList sources={feedback.sources} />
        </Stack>
      ) : null}
    </Card>
  )
}

function ResultView({ result }: { result: AttemptResult }) {
  return (
    <Stack gap="lg" maw={820}>
      <Alert
        color={result.passed ? 'teal' : 'red'}
        variant="light"
        role="status"
        title={result.passed ? 'You passed' : 'Not passed this time'}
      >
        <Text size="sm" data-testid="assessment-score">
          You scored {result.score} out of {result.total} ({result.percent}%). The pass mark is{' '}
          {result.passMarkPercent}%.
        </Text>
        {result.passed ? null : (
          <Text size="sm" mt="xs">
            Read the feedback on each question below, then try again: a new attempt draws a fresh set of
            questions.
          </Text>
        )}
      </Alert>
      {result.certificate ? <CertificateCard certificate={result.certificate} /> : null}
      <Group gap="sm">
        {result.passed ? null : <StartAssessmentButton label="Try again" />}
        <Button component={Link} to="/training" variant="default">
          Back to training
        </Button>
      </Group>
      <section aria-labelledby="feedback-heading">
        <Title order={2} size="h3" id="feedback-heading" mb="sm">
          Feedback on your answers
        </Title>
        <Stack gap="md">
          {result.feedback.map((feedback, index) => (
            <QuestionResult
              key={feedback.questionId}
              feedback={feedback}
              index={index}
              total={result.total}
            />
          ))}
        </Stack>
      </section>
    </Stack>
  )
}

export function AssessmentPage() {
  const { attemptId = '' } = useParams()
  const { organisation } = useCurrentOrganisation()
  const attempt = useAttempt(organisation.slug, attemptId)

  if (attempt.isPending) return <PageLoader label="Loading the assessment" />
  if (attempt.isError) {
    const missing = isApiError(attempt.error) && attempt.error.status === 404
    return (
      <>
        <PageTitle>Assessment</PageTitle>
        <Stack gap="sm" align="flex-start">
          {missing ? (
            <Text c="dimmed">There is no attempt of yours at this address in {organisation.name}.</Text>
          ) : (
            <ErrorState error={attempt.error} onRetry={() => attempt.refetch()} />
          )}
          <Button component={Link} to="/training" variant="default">
            Back to training
          </Button>
        </Stack>
      </>
    )
  }

  const state = attempt.data
  if (state.result) {
    return (
      <>
        <PageTitle description={`Submitted ${formatDateTime(state.result.submittedAt)}.`}>
          Your result
        </PageTitle>
        <ResultView result={state.result} />
      </>
    )
  }
  if (state.status === 'expired') {
    return (
      <>
        <PageTitle>Assessment</PageTitle>
        <Stack gap="sm" align="flex-start" maw={640}>
          <Alert color="yellow" variant="light" title="This attempt has expired">
            Attempts must be submitted within 24 hours of starting. Start a new one: it draws a fresh set of
            questions.
          </Alert>
          <StartAssessmentButton label="Start a new attempt" />
          <Anchor component={Link} to="/training" size="sm">
            Back to training
          </Anchor>
        </Stack>
      </>
    )
  }
  return (
    <>
      <PageTitle description="Each question is a situation you may meet when posting. Answer as you would act.">
        Assessment
      </PageTitle>
      <QuestionForm attempt={state} />
    </>
  )
}
