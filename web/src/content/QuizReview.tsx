import { Badge, Card, List, Stack, Text, Title } from '@mantine/core'
import type { Quiz } from '../../../src/capabilities/learning/quizzes/quiz.schema.ts'

const kindLabels = { pre: 'before', post: 'after', delayed: 'later' } as const

/** The quiz of a version, read-only, as reviewers check it: the answers marked correct, explanations, objectives. */
export function QuizReview({ quiz }: { quiz: Quiz | null | undefined }) {
  if (!quiz || quiz.questions.length === 0) return null
  return (
    <Card withBorder padding="sm" component="section" aria-labelledby="quiz-review-heading">
      <Title order={3} size="h6" id="quiz-review-heading" mb={4}>
        Quiz under review
      </Title>
      <Text size="xs" c="dimmed" mb="xs">
        Asked {quiz.kinds.map((k) => kindLabels[k]).join(', ')} the content
        {quiz.kinds.includes('delayed') ? ` (later: ${quiz.delayDays} days after)` : ''}.
      </Text>
      <Stack gap="sm">
        {quiz.questions.map((q, i) => (
          <div key={q.id}>
            <Text size="sm" fw={600}>
              {i + 1}. {q.prompt}{' '}
              <Badge size="xs" variant="light">
                {q.type === 'single' ? 'one answer' : 'several answers'}
              </Badge>
            </Text>
            <List size="sm" spacing={2}>
              {q.options.map((o) => (
                <List.Item key={o.id}>{o.correct ? <strong>✓ {o.text} (correct)</strong> : o.text}</List.Item>
              ))}
            </List>
            {q.explanation ? <Text size="sm">Explanation: {q.explanation}</Text> : null}
            {q.objective ? (
              <Text size="xs" c="dimmed">
                Objective: {q.objective}
              </Text>
            ) : null}
          </div>
        ))}
      </Stack>
    </Card>
  )
}
