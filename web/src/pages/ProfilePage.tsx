import {
  Alert,
  Anchor,
  Button,
  Card,
  Grid,
  Group,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import { useForm } from '@mantine/form'
import { notifications } from '@mantine/notifications'
import { useState } from 'react'
import { Link } from 'react-router'
import { errorMessage } from '../api/client.ts'
import { useUpdateIdentity } from '../api/queries.ts'
import { useAuthorCard } from '../api/standards.ts'
import type { Identity, Profession, RegistrationBody } from '../api/types.ts'
import { applyFieldErrors, focusFirstInvalid } from '../lib/forms.ts'
import { professionOptions, registrationBodyOptions, registrationHint } from '../lib/labels.ts'
import { useOrganisation } from '../org/OrganisationContext.tsx'
import { ErrorState, PageLoader, PageTitle } from '../shell/Page.tsx'
import { AuthorCardView } from '../standards/AuthorCardView.tsx'
import { VerificationBadge, VerificationLine } from './identity.tsx'

type Values = {
  displayName: string
  profession: string | null
  registrationBody: string | null
  registrationNumber: string
}

function toValues(identity: Identity, fallbackName: string): Values {
  return {
    displayName: identity.displayName || fallbackName,
    profession: identity.profession,
    registrationBody: identity.registrationBody,
    registrationNumber: identity.registrationNumber ?? '',
  }
}

/** The public author card as readers of the current organisation's posts see it. */
function HowYouAppear() {
  const { me, organisation } = useOrganisation()
  const slug = organisation?.slug ?? ''
  const card = useAuthorCard(me.user.id, slug, Boolean(organisation))
  if (!organisation) return null
  const href = `/authors/${encodeURIComponent(me.user.id)}?${new URLSearchParams({ org: slug })}`
  return (
    <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="appear-heading">
      <Title order={2} size="h4" id="appear-heading" mb="xs">
        How you appear
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Your public author card, shown with everything you publish with {organisation.name}.
      </Text>
      {card.isPending ? (
        <PageLoader label="Loading your author card" />
      ) : card.isError ? (
        <ErrorState
          error={card.error}
          title="Could not load your author card"
          onRetry={() => card.refetch()}
        />
      ) : (
        <Card withBorder padding="md" radius="sm">
          <AuthorCardView card={card.data} headingLevel={3} />
        </Card>
      )}
      <Group gap="md" mt="sm">
        <Anchor href={href} target="_blank" rel="noopener" size="sm">
          Open your public author card
        </Anchor>
        <Anchor component={Link} to="/disclosures" size="sm">
          Your disclosures
        </Anchor>
      </Group>
    </Card>
  )
}

const fields = ['displayName', 'profession', 'registrationBody', 'registrationNumber'] as const

export function ProfilePage() {
  const { me } = useOrganisation()
  const update = useUpdateIdentity()
  const [error, setError] = useState<string | null>(null)
  const identity = me.identity

  const form = useForm<Values>({
    initialValues: toValues(identity, me.user.name),
    validate: {
      displayName: (value) =>
        !value.trim()
          ? 'Enter the name readers will see'
          : value.trim().length > 100
            ? 'Use 100 characters or fewer'
            : null,
      registrationNumber: (value, values) =>
        values.registrationBody && !value.trim() ? 'Enter your registration number' : null,
      registrationBody: (value, values) =>
        values.registrationNumber.trim() && !value ? 'Choose the body you are registered with' : null,
    },
  })

  const registrationChanged =
    form.values.registrationBody !== identity.registrationBody ||
    (form.values.registrationNumber.trim() || null) !== identity.registrationNumber

  const submit = form.onSubmit(async (values) => {
    setError(null)
    try {
      const saved = await update.mutateAsync({
        displayName: values.displayName.trim(),
        profession: (values.profession as Profession | null) || null,
        registrationBody: (values.registrationBody as RegistrationBody | null) || null,
        registrationNumber: values.registrationNumber.trim() || null,
      })
      const next = toValues(saved, me.user.name)
      form.setInitialValues(next)
      form.setValues(next)
      notifications.show({ color: 'teal', message: 'Your professional identity has been saved.' })
    } catch (caught) {
      if (applyFieldErrors(form, caught, fields)) {
        setError('Please correct the highlighted fields.')
        focusFirstInvalid()
      } else {
        setError(errorMessage(caught, 'Could not save your profile.'))
      }
    }
  }, focusFirstInvalid)

  return (
    <>
      <PageTitle description="How you appear to reviewers, editors and readers, and the registration your organisation verifies.">
        Profile
      </PageTitle>
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack gap="lg">
            <Card withBorder padding="lg" radius="md">
              <form onSubmit={submit} noValidate aria-labelledby="identity-heading">
                <Stack gap="md">
                  <Title order={2} size="h4" id="identity-heading">
                    Professional identity
                  </Title>
                  {error ? (
                    <Alert color="red" variant="light">
                      {error}
                    </Alert>
                  ) : null}
                  <TextInput
                    label="Display name"
                    description="Shown with everything you publish, e.g. “Dr Priya Shah”."
                    required
                    autoComplete="name"
                    {...form.getInputProps('displayName')}
                  />
                  <Select
                    label="Profession"
                    placeholder="Choose your profession"
                    data={professionOptions}
                    clearable
                    {...form.getInputProps('profession')}
                  />
                  <Group grow align="flex-start" gap="md" wrap="wrap">
                    <Select
                      label="Registration body"
                      description="The register that lists you."
                      placeholder="Choose a register"
                      data={registrationBodyOptions}
                      clearable
                      miw={220}
                      {...form.getInputProps('registrationBody')}
                    />
                    <TextInput
                      label="Registration number"
                      description={registrationHint(form.values.registrationBody)}
                      autoComplete="off"
                      miw={180}
                      {...form.getInputProps('registrationNumber')}
                    />
                  </Group>
                  {identity.verification && registrationChanged ? (
                    <Alert color="yellow" variant="light" role="status">
                      Changing your registration removes your verification. An admin will need to verify you
                      again.
                    </Alert>
                  ) : null}
                  <Group justify="flex-end">
                    <Button variant="default" disabled={!form.isDirty()} onClick={() => form.reset()}>
                      Discard changes
                    </Button>
                    <Button type="submit" loading={update.isPending}>
                      Save profile
                    </Button>
                  </Group>
                </Stack>
              </form>
            </Card>
            <HowYouAppear />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack gap="lg">
            <Card
              withBorder
              padding="lg"
              radius="md"
              component="section"
              aria-labelledby="verification-heading"
            >
              <Group justify="space-between" mb="xs">
                <Title order={2} size="h4" id="verification-heading">
                  Verification
                </Title>
                <VerificationBadge identity={identity} />
              </Group>
              <VerificationLine identity={identity} />
              {identity.verification?.note ? (
                <Text size="sm" mt="xs">
                  Evidence: {identity.verification.note}
                </Text>
              ) : null}
              {!identity.verification ? (
                <Text size="sm" c="dimmed" mt="xs">
                  An admin of one of your organisations checks your registration against the public register.
                </Text>
              ) : null}
            </Card>
            <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="account-heading">
              <Title order={2} size="h4" id="account-heading" mb="xs">
                Account
              </Title>
              <Text size="sm">{me.user.name}</Text>
              <Text size="sm" c="dimmed">
                {me.user.email}
              </Text>
            </Card>
          </Stack>
        </Grid.Col>
      </Grid>
    </>
  )
}
