import { Anchor, Badge, Card, Group, List, SimpleGrid, Stack, Text, ThemeIcon, Title } from '@mantine/core'
import { Link } from 'react-router'
import { useOrganisationSettings } from '../api/standards.ts'
import type { Readiness, ReadinessGap } from '../api/types.ts'
import { formatDate } from '../lib/format.ts'
import { guidanceLabels, roleColors, roleDescriptions, roleLabels, sortRoles } from '../lib/labels.ts'
import { useCurrentOrganisation } from '../org/OrganisationContext.tsx'
import { CheckIcon, CircleIcon } from '../shell/icons.tsx'
import { navItems } from '../shell/navigation.ts'
import { ErrorState, PageTitle } from '../shell/Page.tsx'
import { gapLinkLabels, ReadinessBanner, useAuthorReadiness } from '../standards/Readiness.tsx'
import { identityComplete, verificationText } from './identity.tsx'

const areaDescriptions: Record<string, string> = {
  '/check': 'Screen a draft for patient identifiers and other risks as you type.',
  '/content': 'Draft posts; each is screened before peers see it.',
  '/training': 'Learn the rules for posting clinical teaching safely.',
  '/reviews': 'Peer-review drafts assigned to you.',
  '/review-queue': 'Assign reviewers and decide on reviewed drafts.',
  '/publishing': 'Schedule approved posts to your channels.',
  '/analytics': 'See whether what you publish teaches.',
  '/engagement': 'Views, reach and reactions of each published post.',
  '/surveys': 'What learners said of the items: results and anonymised downloads.',
  '/members': 'Invite people, set roles and verify registrations.',
  '/audit': 'Every change, who made it and when.',
  '/settings': 'Organisation details, policy and the screening policy.',
}

function GapFix({ gap }: { gap: ReadinessGap }) {
  return (
    <>
      {gap.message}{' '}
      <Anchor component={Link} to={gap.link} size="sm">
        {gapLinkLabels[gap.code]}
      </Anchor>
    </>
  )
}

/** The three things the server's gate checks before an author may submit for review. */
function ReadinessItems({ readiness }: { readiness: Readiness }) {
  const gap = (code: ReadinessGap['code']) => readiness.missing.find((m) => m.code === code)
  const training = gap('TRAINING_REQUIRED')
  const name = gap('DISPLAY_NAME_REQUIRED')
  const disclosure = gap('DISCLOSURE_REQUIRED')
  return (
    <>
      <ChecklistItem done={!training} title="Pass the training">
        {training ? (
          <GapFix gap={training} />
        ) : readiness.certificate ? (
          `Your certificate is valid until ${formatDate(readiness.certificate.expiresAt)}.`
        ) : (
          'Done.'
        )}
      </ChecklistItem>
      <ChecklistItem done={!name} title="Give the name you publish under">
        {name ? <GapFix gap={name} /> : 'Your display name is on your profile.'}
      </ChecklistItem>
      <ChecklistItem done={!disclosure} title="Declare your financial relationships">
        {disclosure ? (
          <GapFix gap={disclosure} />
        ) : readiness.attestation ? (
          `${readiness.attestation.kind === 'none' ? 'You attested that you have none' : 'You attested that your list is complete'}; renew by ${formatDate(readiness.attestation.expiresAt)}.`
        ) : (
          'Done.'
        )}
      </ChecklistItem>
    </>
  )
}

function PolicySummary({ slug }: { slug: string }) {
  const settings = useOrganisationSettings(slug)
  return (
    <Card withBorder padding="lg" radius="md" mt="lg" component="section" aria-labelledby="policy-heading">
      <Title order={2} size="h4" id="policy-heading" mb="sm">
        Organisation policy
      </Title>
      {settings.isError ? (
        <ErrorState
          error={settings.error}
          title="Could not load the policy"
          onRetry={() => settings.refetch()}
        />
      ) : settings.data ? (
        <Text size="sm" c="dimmed">
          Guidance followed: {guidanceLabels[settings.data.guidance]}. Training certificates last{' '}
          {settings.data.trainingValidityMonths} months; each item needs {settings.data.reviewersRequired}{' '}
          reviewer{settings.data.reviewersRequired === 1 ? '' : 's'}; approvals expire after{' '}
          {settings.data.approvalExpiryMonths} months.{' '}
          <Anchor component={Link} to="/settings" size="sm">
            See the settings
          </Anchor>
        </Text>
      ) : (
        <Text size="sm" c="dimmed">
          Loading…
        </Text>
      )}
    </Card>
  )
}

function ChecklistItem({
  done,
  title,
  children,
}: {
  done: boolean
  title: string
  children: React.ReactNode
}) {
  return (
    <List.Item
      icon={
        <ThemeIcon color={done ? 'teal' : 'gray'} variant={done ? 'filled' : 'light'} size={24} radius="xl">
          {done ? <CheckIcon size={14} /> : <CircleIcon size={14} />}
        </ThemeIcon>
      }
    >
      <Text fw={600} size="sm">
        {title}{' '}
        <Text span size="sm" c={done ? 'teal' : 'dimmed'} fw={400}>
          ({done ? 'done' : 'to do'})
        </Text>
      </Text>
      <Text size="sm" c="dimmed">
        {children}
      </Text>
    </List.Item>
  )
}

export function DashboardPage() {
  const { me, organisation, can } = useCurrentOrganisation()
  const name = me.identity.displayName || me.user.name
  const complete = identityComplete(me.identity)
  const verified = Boolean(me.identity.verification)
  const { applies: gated, readiness } = useAuthorReadiness()
  const areas = navItems.filter(
    (item) =>
      item.permission && organisation.permissions.includes(item.permission) && areaDescriptions[item.path],
  )

  return (
    <>
      <PageTitle description={`You are working in ${organisation.name}.`}>{`Welcome, ${name}`}</PageTitle>
      <ReadinessBanner />
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="roles-heading">
          <Title order={2} size="h4" id="roles-heading" mb="sm">
            Your roles in {organisation.name}
          </Title>
          <Stack gap="sm">
            {sortRoles(organisation.roles).map((role) => (
              <Group key={role} gap="sm" wrap="nowrap" align="flex-start">
                <Badge color={roleColors[role]} variant="light" w={90} style={{ flexShrink: 0 }}>
                  {roleLabels[role]}
                </Badge>
                <Text size="sm" c="dimmed">
                  {roleDescriptions[role]}
                </Text>
              </Group>
            ))}
          </Stack>
        </Card>
        <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="checklist-heading">
          <Group justify="space-between" mb="sm" gap="xs">
            <Title order={2} size="h4" id="checklist-heading">
              Before you post
            </Title>
            {gated && readiness.data ? (
              <Badge color={readiness.data.ready ? 'teal' : 'yellow'} variant="light">
                {readiness.data.ready ? 'Ready to submit' : 'Not ready to submit'}
              </Badge>
            ) : null}
          </Group>
          {gated && readiness.isError ? (
            <ErrorState
              error={readiness.error}
              title="Could not check what you still need"
              onRetry={() => readiness.refetch()}
            />
          ) : null}
          {gated && readiness.data?.ready ? (
            <Text size="sm" c="teal" mb="sm">
              You can submit content for review: your training, name and disclosures are in order.
            </Text>
          ) : null}
          <List spacing="md" center={false} aria-label="Before you post">
            {gated && readiness.data ? <ReadinessItems readiness={readiness.data} /> : null}
            <ChecklistItem done={complete} title="Add your professional identity">
              {complete ? (
                'Your profession and registration are on your profile.'
              ) : (
                <>
                  Add your profession and registration on your{' '}
                  <Anchor component={Link} to="/profile" size="sm">
                    profile
                  </Anchor>
                  .
                </>
              )}
            </ChecklistItem>
            <ChecklistItem done={verified} title="Get your registration verified">
              {verified
                ? `${verificationText(me.identity)}.`
                : 'An admin checks your registration against the public register, so readers know who is teaching them.'}
            </ChecklistItem>
          </List>
        </Card>
      </SimpleGrid>
      {areas.length > 0 ? (
        <Card withBorder padding="lg" radius="md" mt="lg" component="section" aria-labelledby="areas-heading">
          <Title order={2} size="h4" id="areas-heading" mb="sm">
            What you can do here
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
            {areas.map((item) => (
              <div key={item.path}>
                <Anchor component={Link} to={item.path} fw={600} size="sm">
                  {item.label}
                </Anchor>
                <Text size="sm" c="dimmed">
                  {areaDescriptions[item.path]}
                </Text>
              </div>
            ))}
          </SimpleGrid>
        </Card>
      ) : null}
      {/* The policy is read by members who work on content; researchers do not (decision 026). */}
      {can('screening.use') ? <PolicySummary slug={organisation.slug} /> : null}
    </>
  )
}
