import { Anchor, Box, Center, Container, Group, Paper, Stack, Text, ThemeIcon, Title } from '@mantine/core'
import { type ReactNode, useEffect } from 'react'
import { Link } from 'react-router'

export function BrandMark({ size = 32 }: { size?: number }) {
  return (
    <ThemeIcon size={size} radius="md" variant="filled" aria-hidden="true">
      <Text component="span" fw={800} fz={size * 0.55} lh={1} c="white">
        R
      </Text>
    </ThemeIcon>
  )
}

/** The frame of the signed-out pages: brand, a card with the form, links underneath. */
export function AuthLayout({
  title,
  subtitle,
  children,
  footer,
}: {
  title: string
  subtitle?: ReactNode
  children: ReactNode
  footer?: ReactNode
}) {
  useEffect(() => {
    document.title = `${title} · Rounds`
  }, [title])
  return (
    <Box component="main" id="main" mih="100dvh" bg="var(--mantine-color-body)" py={{ base: 'lg', sm: 60 }}>
      <Container size={460} px="md">
        <Stack gap="lg">
          <Center>
            <Anchor component={Link} to="/" underline="never" c="inherit" aria-label="Rounds home">
              <Group gap="xs">
                <BrandMark />
                <Text fw={700} fz="xl">
                  Rounds
                </Text>
              </Group>
            </Anchor>
          </Center>
          <Paper withBorder shadow="sm" p={{ base: 'lg', sm: 'xl' }} radius="md">
            <Stack gap="lg">
              <Stack gap={4}>
                <Title order={1} fz={24}>
                  {title}
                </Title>
                {subtitle ? (
                  <Text c="dimmed" size="sm">
                    {subtitle}
                  </Text>
                ) : null}
              </Stack>
              {children}
            </Stack>
          </Paper>
          {footer ? (
            <Text ta="center" size="sm" c="dimmed">
              {footer}
            </Text>
          ) : null}
        </Stack>
      </Container>
    </Box>
  )
}
