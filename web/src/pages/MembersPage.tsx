import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Modal,
  MultiSelect,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core'
import { useForm } from '@mantine/form'
import { notifications } from '@mantine/notifications'
import { useState } from 'react'
import { Link } from 'react-router'
import { errorMessage, isApiError } from '../api/client.ts'
import {
  useInvite,
  useMembers,
  useRemoveMember,
  useRemoveVerification,
  useUpdateMemberRoles,
  useVerifyIdentity,
} from '../api/queries.ts'
import type { Invitation, Member, Role } from '../api/types.ts'
import { formatDate } from '../lib/format.ts'
import { applyFieldErrors, emailPattern, focusFirstInvalid } from '../lib/forms.ts'
import { isRole, roleColors, roleLabels, roleOptions, sortRoles } from '../lib/labels.ts'
import { useCurrentOrganisation } from '../org/OrganisationContext.tsx'
import { ErrorState, PageLoader, PageTitle } from '../shell/Page.tsx'
import { professionText, registrationText, VerificationBadge, verificationText } from './identity.tsx'

function RoleBadges({ roles }: { roles: readonly Role[] }) {
  return (
    <Group gap={4}>
      {sortRoles(roles).map((role) => (
        <Badge key={role} color={roleColors[role]} variant="light">
          {roleLabels[role]}
        </Badge>
      ))}
    </Group>
  )
}

function roleError(error: unknown): string {
  if (isApiError(error) && error.code === 'LAST_ADMIN') {
    return 'An organisation must keep at least one admin. Make someone else an admin first.'
  }
  return errorMessage(error, 'Could not change the roles.')
}

function RolesEditor({ slug, member }: { slug: string; member: Member }) {
  const [value, setValue] = useState<Role[]>(sortRoles(member.roles))
  const update = useUpdateMemberRoles(slug)
  const changed = sortRoles(value).join() !== sortRoles(member.roles).join()
  const empty = value.length === 0

  const save = async () => {
    try {
      await update.mutateAsync({ userId: member.userId, roles: sortRoles(value) })
      notifications.show({
        color: 'teal',
        message: `${member.name} is now ${sortRoles(value)
          .map((role) => roleLabels[role])
          .join(', ')}.`,
      })
    } catch (error) {
      notifications.show({ color: 'red', title: 'Roles not changed', message: roleError(error) })
      setValue(sortRoles(member.roles))
    }
  }

  return (
    <Group gap="xs" wrap="nowrap" align="flex-start">
      <MultiSelect
        aria-label={`Roles for ${member.name}`}
        data={roleOptions}
        value={value}
        onChange={(next) => setValue(sortRoles(next.filter(isRole)))}
        error={empty ? 'Choose at least one role' : undefined}
        w={260}
        styles={{ inputField: { minWidth: 40 } }}
        comboboxProps={{ withinPortal: true }}
        hidePickedOptions={false}
        searchable
        clearSearchOnChange
      />
      <Button
        size="sm"
        variant={changed ? 'filled' : 'default'}
        disabled={!changed || empty}
        loading={update.isPending}
        onClick={save}
        style={{ flexShrink: 0 }}
        aria-label={`Save roles for ${member.name}`}
      >
        Save
      </Button>
    </Group>
  )
}

function VerifyModal({
  slug,
  member,
  onClose,
}: {
  slug: string
  member: Member | null
  onClose: () => void
}) {
  const verify = useVerifyIdentity(slug)
  const [error, setError] = useState<string | null>(null)
  const form = useForm({
    initialValues: { note: '' },
    validate: {
      note: (value) =>
        value.trim().length >= 5
          ? null
          : 'Describe how you checked this registration (at least 5 characters)',
    },
  })
  const close = () => {
    form.reset()
    setError(null)
    onClose()
  }
  const submit = form.onSubmit(async ({ note }) => {
    if (!member) return
    setError(null)
    try {
      await verify.mutateAsync({ userId: member.userId, note: note.trim() })
      notifications.show({ color: 'teal', message: `${member.name}'s registration is verified.` })
      close()
    } catch (caught) {
      if (!applyFieldErrors(form, caught, ['note'])) setError(errorMessage(caught, 'Could not verify.'))
    }
  }, focusFirstInvalid)
  const identity = member?.identity
  return (
    <Modal opened={member !== null} onClose={close} title={`Verify ${member?.name ?? ''}`} size="lg">
      {identity ? (
        <form onSubmit={submit} noValidate>
          <Stack gap="md">
            <Text size="sm">
              Check the registration below against the public register before you verify it. Readers will see
              that {member?.name} was verified by your organisation.
            </Text>
            <Card withBorder padding="sm">
              <Text size="sm" fw={600}>
                {identity.displayName || member?.name}
              </Text>
              <Text size="sm">{professionText(identity)}</Text>
              <Text size="sm">{registrationText(identity)}</Text>
            </Card>
            {!identity.registrationNumber ? (
              <Alert color="yellow" variant="light" role="status">
                This member has not entered a registration number yet.
              </Alert>
            ) : null}
            {error ? (
              <Alert color="red" variant="light">
                {error}
              </Alert>
            ) : null}
            <Textarea
              label="Evidence"
              description="How you checked, e.g. “GMC register checked 26 Nov, number and name match”."
              required
              autosize
              minRows={3}
              data-autofocus
              {...form.getInputProps('note')}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={verify.isPending}>
                Verify registration
              </Button>
            </Group>
          </Stack>
        </form>
      ) : null}
    </Modal>
  )
}

function ConfirmModal({
  opened,
  title,
  children,
  confirmLabel,
  onConfirm,
  onClose,
  loading,
}: {
  opened: boolean
  title: string
  children: React.ReactNode
  confirmLabel: string
  onConfirm: () => void
  onClose: () => void
  loading: boolean
}) {
  return (
    <Modal opened={opened} onClose={onClose} title={title}>
      <Stack gap="md">
        {children}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} data-autofocus>
            Cancel
          </Button>
          <Button color="red" onClick={onConfirm} loading={loading}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}

function InviteForm({ slug }: { slug: string }) {
  const invite = useInvite(slug)
  const [error, setError] = useState<string | null>(null)
  const form = useForm<{ email: string; roles: Role[] }>({
    initialValues: { email: '', roles: ['author'] },
    validate: {
      email: (value) =>
        !value.trim()
          ? 'Enter an email address'
          : emailPattern.test(value.trim())
            ? null
            : 'Enter a valid email',
      roles: (value) => (value.length ? null : 'Choose at least one role'),
    },
  })
  const submit = form.onSubmit(async (values) => {
    setError(null)
    try {
      const { invitation } = await invite.mutateAsync({
        email: values.email.trim(),
        roles: sortRoles(values.roles),
      })
      notifications.show({ color: 'teal', message: `Invitation sent to ${invitation.email}.` })
      form.reset()
    } catch (caught) {
      if (!applyFieldErrors(form, caught, ['email', 'roles']))
        setError(errorMessage(caught, 'Could not invite.'))
    }
  }, focusFirstInvalid)
  return (
    <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="invite-heading">
      <Title order={2} size="h4" id="invite-heading" mb="sm">
        Invite someone
      </Title>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          {error ? (
            <Alert color="red" variant="light">
              {error}
            </Alert>
          ) : null}
          <Group align="flex-start" gap="sm" grow wrap="wrap">
            <TextInput
              label="Email"
              type="email"
              autoComplete="off"
              required
              miw={220}
              {...form.getInputProps('email')}
            />
            <MultiSelect
              label="Roles"
              data={roleOptions}
              required
              miw={220}
              comboboxProps={{ withinPortal: true }}
              hidePickedOptions={false}
              searchable
              clearSearchOnChange
              {...form.getInputProps('roles')}
            />
          </Group>
          <Group justify="flex-end">
            <Button type="submit" loading={invite.isPending}>
              Send invitation
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  )
}

function PendingInvitations({ invitations }: { invitations: Invitation[] }) {
  return (
    <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="invitations-heading">
      <Title order={2} size="h4" id="invitations-heading" mb="sm">
        Pending invitations
      </Title>
      {invitations.length === 0 ? (
        <Text size="sm" c="dimmed">
          No invitations are waiting to be accepted.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={480}>
          <Table verticalSpacing="xs" aria-labelledby="invitations-heading">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Email</Table.Th>
                <Table.Th>Roles</Table.Th>
                <Table.Th>Expires</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {invitations.map((invitation) => (
                <Table.Tr key={invitation.id}>
                  <Table.Td>{invitation.email}</Table.Td>
                  <Table.Td>
                    <RoleBadges roles={invitation.roles} />
                  </Table.Td>
                  <Table.Td className="table-nowrap">{formatDate(invitation.expiresAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Card>
  )
}

export function MembersPage() {
  const { me, organisation, can } = useCurrentOrganisation()
  const slug = organisation.slug
  const members = useMembers(slug)
  const canManage = can('members.manage')
  const canVerify = can('identity.verify')
  const [verifying, setVerifying] = useState<Member | null>(null)
  const [unverifying, setUnverifying] = useState<Member | null>(null)
  const [removing, setRemoving] = useState<Member | null>(null)
  const remove = useRemoveMember(slug)
  const unverify = useRemoveVerification(slug)

  const confirmRemove = async () => {
    if (!removing) return
    try {
      await remove.mutateAsync(removing.userId)
      notifications.show({
        color: 'teal',
        message: `${removing.name} was removed from ${organisation.name}.`,
      })
    } catch (error) {
      notifications.show({ color: 'red', title: 'Member not removed', message: roleError(error) })
    }
    setRemoving(null)
  }

  const confirmUnverify = async () => {
    if (!unverifying) return
    try {
      await unverify.mutateAsync(unverifying.userId)
      notifications.show({ message: `${unverifying.name}'s verification was removed.` })
    } catch (error) {
      notifications.show({ color: 'red', title: 'Verification not removed', message: errorMessage(error) })
    }
    setUnverifying(null)
  }

  const description = canManage
    ? `Who belongs to ${organisation.name}, what they may do, and whether their registration is verified.`
    : `Who belongs to ${organisation.name}. Only admins can change roles.`

  return (
    <>
      <PageTitle
        description={description}
        actions={
          <Button component={Link} to="/disclosures/organisation" variant="default">
            Disclosures
          </Button>
        }
      >
        Members
      </PageTitle>
      {members.isPending ? (
        <PageLoader label="Loading members" />
      ) : members.isError ? (
        <ErrorState error={members.error} onRetry={() => members.refetch()} />
      ) : (
        <Stack gap="lg">
          <Card withBorder padding={0} radius="md">
            <Table.ScrollContainer minWidth={canManage ? 1140 : 760}>
              <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover aria-label="Members">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th miw={180}>Member</Table.Th>
                    <Table.Th miw={170}>Professional identity</Table.Th>
                    <Table.Th miw={170}>Verification</Table.Th>
                    <Table.Th miw={canManage ? 350 : 120}>Roles</Table.Th>
                    {canManage || canVerify ? <Table.Th>Actions</Table.Th> : null}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {members.data.members.map((member) => {
                    const isMe = member.userId === me.user.id
                    return (
                      <Table.Tr key={member.userId} data-testid={`member-${member.email}`}>
                        <Table.Td>
                          <Text size="sm" fw={600}>
                            {member.name}
                            {isMe ? (
                              <Text span size="sm" c="dimmed" fw={400}>
                                {' '}
                                (you)
                              </Text>
                            ) : null}
                          </Text>
                          <Text size="xs" c="dimmed">
                            {member.email}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{member.identity.displayName || '—'}</Text>
                          <Text size="xs" c="dimmed">
                            {professionText(member.identity)} · {registrationText(member.identity)}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Stack gap={2} align="flex-start">
                            <VerificationBadge identity={member.identity} />
                            {member.identity.verification ? (
                              <Text size="xs" c="dimmed">
                                {verificationText(member.identity).replace(/^Verified /, '')}
                              </Text>
                            ) : null}
                          </Stack>
                        </Table.Td>
                        <Table.Td>
                          {canManage ? (
                            <RolesEditor
                              key={`${member.userId}:${sortRoles(member.roles).join()}`}
                              slug={slug}
                              member={member}
                            />
                          ) : (
                            <RoleBadges roles={member.roles} />
                          )}
                        </Table.Td>
                        {canManage || canVerify ? (
                          <Table.Td>
                            <Group gap="xs" wrap="nowrap">
                              {/* Nobody verifies their own registration; another admin must. */}
                              {canVerify && !isMe && !member.identity.verification ? (
                                <Button
                                  size="xs"
                                  variant="light"
                                  onClick={() => setVerifying(member)}
                                  aria-label={`Verify ${member.name}`}
                                >
                                  Verify
                                </Button>
                              ) : null}
                              {canVerify && member.identity.verification?.organisation.slug === slug ? (
                                <Button
                                  size="xs"
                                  variant="subtle"
                                  color="gray"
                                  onClick={() => setUnverifying(member)}
                                  aria-label={`Unverify ${member.name}`}
                                >
                                  Unverify
                                </Button>
                              ) : null}
                              {canManage ? (
                                <Button
                                  size="xs"
                                  variant="subtle"
                                  color="red"
                                  onClick={() => setRemoving(member)}
                                  aria-label={`Remove ${member.name}`}
                                >
                                  Remove
                                </Button>
                              ) : null}
                            </Group>
                          </Table.Td>
                        ) : null}
                      </Table.Tr>
                    )
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Card>
          {canManage ? <InviteForm slug={slug} /> : null}
          <PendingInvitations invitations={members.data.invitations} />
        </Stack>
      )}
      {canVerify ? <VerifyModal slug={slug} member={verifying} onClose={() => setVerifying(null)} /> : null}
      <ConfirmModal
        opened={unverifying !== null}
        title={`Remove ${unverifying?.name ?? ''}'s verification?`}
        confirmLabel="Remove verification"
        onConfirm={confirmUnverify}
        onClose={() => setUnverifying(null)}
        loading={unverify.isPending}
      >
        <Text size="sm">
          Their content will no longer show them as verified until an admin verifies them again.
        </Text>
      </ConfirmModal>
      <ConfirmModal
        opened={removing !== null}
        title={`Remove ${removing?.name ?? ''}?`}
        confirmLabel="Remove member"
        onConfirm={confirmRemove}
        onClose={() => setRemoving(null)}
        loading={remove.isPending}
      >
        <Text size="sm">
          {removing?.name} will lose access to {organisation.name}. Their past work and the audit log are
          kept.
        </Text>
      </ConfirmModal>
    </>
  )
}
