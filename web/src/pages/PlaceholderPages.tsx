import { Alert, Button, Card, Code, Stack, Text } from '@mantine/core'
import { Link } from 'react-router'
import type { Permission } from '../api/types.ts'
import { roleLabels, sortRoles } from '../lib/labels.ts'
import { useOrganisation } from '../org/OrganisationContext.tsx'
import { PageTitle } from '../shell/Page.tsx'

/** An area that is planned but not built: says so plainly instead of showing made-up data. */
export function ComingSoonPage({
  title,
  comingWith,
  what,
}: {
  title: string
  comingWith: string
  what: string
}) {
  return (
    <>
      <PageTitle>{title}</PageTitle>
      <Card withBorder padding="xl" radius="md" maw={640}>
        <Stack gap="sm">
          <Text fw={600}>{comingWith}</Text>
          <Text c="dimmed" size="sm">
            {what}
          </Text>
          <Text c="dimmed" size="sm">
            Nothing here yet: this page will fill in when that part of Rounds is released.
          </Text>
        </Stack>
      </Card>
    </>
  )
}

export const comingSoon = {
  content: {
    title: 'My content',
    comingWith: 'Coming with the authoring workflow',
    what: 'Draft posts for your channels. Every draft is screened for patient-identifiable information before a peer reviews it.',
  },
  reviews: {
    title: 'Reviews',
    comingWith: 'Coming with the review workflow',
    what: 'Drafts assigned to you for peer review, with a checklist for accuracy, safety and tone.',
  },
  reviewQueue: {
    title: 'Review queue',
    comingWith: 'Coming with the review workflow',
    what: 'Every draft waiting for review: assign reviewers, follow progress and decide on reviewed drafts.',
  },
  publishing: {
    title: 'Publishing',
    comingWith: 'Coming with publishing',
    what: 'Schedule approved posts to your organisation’s social media channels.',
  },
} as const

/** Shown when the current organisation does not grant the permission a page needs. */
export function NoAccessPage({ permission }: { permission: Permission }) {
  const { organisation } = useOrganisation()
  const roles = organisation ? sortRoles(organisation.roles).map((role) => roleLabels[role]) : []
  return (
    <>
      <PageTitle>Not available</PageTitle>
      <Alert color="yellow" variant="light" title="You do not have access to this page" maw={640}>
        <Stack gap="sm" align="flex-start">
          <Text size="sm">
            {organisation
              ? `Your roles in ${organisation.name} (${roles.join(', ') || 'none'}) do not include this area.`
              : 'You are not a member of an organisation yet.'}{' '}
            Ask an admin if you need it.
          </Text>
          <Text size="xs" c="dimmed">
            Needs the permission <Code>{permission}</Code>.
          </Text>
          <Button component={Link} to="/" variant="default" size="xs">
            Go to the dashboard
          </Button>
        </Stack>
      </Alert>
    </>
  )
}

export function NotFoundPage() {
  return (
    <>
      <PageTitle>Page not found</PageTitle>
      <Stack gap="sm" align="flex-start">
        <Text c="dimmed">
          There is no page at this address. It may have moved, or the link may be mistyped.
        </Text>
        <Button component={Link} to="/" variant="default">
          Go to the dashboard
        </Button>
      </Stack>
    </>
  )
}
