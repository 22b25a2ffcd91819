import { Alert, Badge, Button, Group, Stack, Text } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useState } from 'react'
import { Link, useNavigate, useParams } from 'react-router'
import { errorMessage, isApiError } from '../api/client.ts'
import { useAcceptInvitation, useInvitation, useMe } from '../api/queries.ts'
import { formatDate } from '../lib/format.ts'
import { roleColors, roleLabels, sortRoles } from '../lib/labels.ts'
import { rememberOrganisation } from '../org/OrganisationContext.tsx'
import { PageLoader } from '../shell/Page.tsx'
import { AuthLayout } from './AuthLayout.tsx'

function invitationProblem(error: unknown): string {
  if (isApiError(error)) {
    if (error.status === 404)
      return 'This invitation link is not valid. Ask the person who invited you for a new one.'
    if (error.status === 410 || error.code === 'INVITATION_EXPIRED') {
      return 'This invitation has expired. Ask the person who invited you to send a new one.'
    }
  }
  return errorMessage(error, 'Could not load this invitation.')
}

export function InvitePage() {
  const { token = '' } = useParams()
  const navigate = useNavigate()
  const me = useMe()
  const invitation = useInvitation(token)
  const accept = useAcceptInvitation()
  const [error, setError] = useState<string | null>(null)

  if (invitation.isPending || me.isPending) {
    return (
      <AuthLayout title="Invitation">
        <PageLoader label="Loading invitation" />
      </AuthLayout>
    )
  }
  if (invitation.isError) {
    return (
      <AuthLayout title="Invitation">
        <Alert color="red" variant="light" title="Cannot use this invitation">
          {invitationProblem(invitation.error)}
        </Alert>
        <Button component={Link} to="/" variant="default">
          Go to Rounds
        </Button>
      </AuthLayout>
    )
  }

  const invite = invitation.data
  const here = `/invite/${encodeURIComponent(token)}`
  const query = new URLSearchParams({ redirect: here, email: invite.email }).toString()
  const user = me.data?.user
  const emailMismatch = user && user.email.toLowerCase() !== invite.email.toLowerCase()

  const onAccept = async () => {
    setError(null)
    try {
      const result = await accept.mutateAsync(token)
      rememberOrganisation(result.organisation.slug)
      notifications.show({
        color: 'teal',
        title: `Welcome to ${result.organisation.name}`,
        message: `You joined as ${sortRoles(result.roles)
          .map((role) => roleLabels[role])
          .join(', ')}.`,
      })
      navigate('/', { replace: true })
    } catch (caught) {
      setError(invitationProblem(caught))
    }
  }

  return (
    <AuthLayout
      title={`Join ${invite.organisation.name}`}
      subtitle={`This invitation is for ${invite.email} and expires on ${formatDate(invite.expiresAt)}.`}
    >
      <Stack gap="md">
        <Group gap="xs">
          <Text size="sm">Roles:</Text>
          {sortRoles(invite.roles).map((role) => (
            <Badge key={role} color={roleColors[role]} variant="light">
              {roleLabels[role]}
            </Badge>
          ))}
        </Group>
        {error ? (
          <Alert color="red" variant="light">
            {error}
          </Alert>
        ) : null}
        {user ? (
          <>
            <Text size="sm">
              Signed in as <strong>{user.email}</strong>.
            </Text>
            {emailMismatch ? (
              <Alert color="yellow" variant="light" role="status">
                This invitation was sent to {invite.email}. If that is not you, sign out and sign in with that
                address.
              </Alert>
            ) : null}
            <Button onClick={onAccept} loading={accept.isPending}>
              Accept invitation
            </Button>
          </>
        ) : (
          <>
            <Text size="sm">Sign in or create an account to accept this invitation.</Text>
            <Group grow>
              <Button component={Link} to={`/sign-in?${query}`}>
                Sign in to accept
              </Button>
              <Button component={Link} to={`/sign-up?${query}`} variant="default">
                Create an account
              </Button>
            </Group>
          </>
        )}
      </Stack>
    </AuthLayout>
  )
}
