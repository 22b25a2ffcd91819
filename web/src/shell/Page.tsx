import { Alert, Button, Center, Group, Loader, Stack, Text, Title } from '@mantine/core'
import { type ReactNode, useEffect, useRef } from 'react'
import { errorMessage } from '../api/client.ts'

let firstPage = true

/**
 * The page's one h1. Sets the document title and, after client-side navigation,
 * moves focus to the heading so screen-reader and keyboard users land on the new page.
 */
export function PageTitle({
  children,
  description,
  actions,
}: {
  children: string
  description?: ReactNode
  actions?: ReactNode
}) {
  const ref = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    document.title = `${children} · Rounds`
    if (firstPage) {
      firstPage = false
      return
    }
    ref.current?.focus({ preventScroll: false })
  }, [children])
  return (
    <Group justify="space-between" align="flex-start" mb="lg" gap="sm">
      <Stack gap={4}>
        <Title order={1} ref={ref} tabIndex={-1} style={{ outline: 'none' }} fz={{ base: 26, sm: 30 }}>
          {children}
        </Title>
        {description ? (
          <Text c="dimmed" maw={720}>
            {description}
          </Text>
        ) : null}
      </Stack>
      {actions}
    </Group>
  )
}

export function PageLoader({ label = 'Loading' }: { label?: string }) {
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Group gap="sm">
        <Loader size="sm" />
        <Text c="dimmed">{label}…</Text>
      </Group>
    </Center>
  )
}

export function ErrorState({
  error,
  onRetry,
  title = 'Could not load this page',
}: {
  error: unknown
  onRetry?: () => void
  title?: string
}) {
  return (
    <Alert color="red" title={title} variant="light">
      <Stack gap="sm" align="flex-start">
        <Text size="sm">{errorMessage(error)}</Text>
        {onRetry ? (
          <Button size="xs" variant="default" onClick={onRetry}>
            Try again
          </Button>
        ) : null}
      </Stack>
    </Alert>
  )
}
