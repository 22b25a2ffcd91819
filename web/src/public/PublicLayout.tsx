import { Anchor, Box, Container, Group, Paper, Stack, Text } from '@mantine/core'
import { type ReactNode, useEffect } from 'react'
import { Link } from 'react-router'
import { BrandMark } from '../auth/AuthLayout.tsx'

/** The frame of the public pages anyone may open without signing in. */
export function PublicLayout({ title, children }: { title: string; children: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · Rounds`
  }, [title])
  return (
    <Box component="main" id="main" mih="100dvh" bg="var(--mantine-color-body)" py={{ base: 'lg', sm: 60 }}>
      <Container size={620} px="md">
        <Stack gap="lg">
          <Group justify="center">
            <Anchor component={Link} to="/" underline="never" c="inherit" aria-label="Rounds home">
              <Group gap="xs">
                <BrandMark />
                <Text fw={700} fz="xl">
                  Rounds
                </Text>
              </Group>
            </Anchor>
          </Group>
          <Paper withBorder shadow="sm" p={{ base: 'lg', sm: 'xl' }} radius="md">
            {children}
          </Paper>
          <Text ta="center" size="xs" c="dimmed">
            Rounds publishes medical education on social media with peer review, training and disclosures.
          </Text>
        </Stack>
      </Container>
    </Box>
  )
}
