import { Alert, Button, Card, Group, Stack, Text, Textarea, TextInput } from '@mantine/core'
import { useForm } from '@mantine/form'
import { notifications } from '@mantine/notifications'
import { useState } from 'react'
import { useNavigate } from 'react-router'
import { errorMessage, isApiError } from '../api/client.ts'
import { useCreateOrganisation } from '../api/queries.ts'
import { slugify } from '../lib/format.ts'
import { applyFieldErrors, focusFirstInvalid } from '../lib/forms.ts'
import { PageTitle } from '../shell/Page.tsx'
import { useOrganisation } from './OrganisationContext.tsx'

const slugPattern = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/

export function CreateOrganisationPage() {
  const { organisations, selectOrganisation } = useOrganisation()
  const create = useCreateOrganisation()
  const navigate = useNavigate()
  const [slugEdited, setSlugEdited] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const form = useForm({
    initialValues: { name: '', slug: '', description: '' },
    validate: {
      name: (value) =>
        value.trim().length < 2
          ? 'Enter a name (at least 2 characters)'
          : value.trim().length > 120
            ? 'Use 120 characters or fewer'
            : null,
      slug: (value) =>
        !value
          ? 'Enter a URL name'
          : value.length < 2
            ? 'Use at least 2 characters'
            : value.length > 48
              ? 'Use 48 characters or fewer'
              : slugPattern.test(value)
                ? null
                : 'Use lowercase letters, numbers and hyphens, starting and ending with a letter or number',
      description: (value) => (value.length > 2000 ? 'Use 2000 characters or fewer' : null),
    },
  })

  const submit = form.onSubmit(async (values) => {
    setError(null)
    try {
      const { organisation } = await create.mutateAsync({
        name: values.name.trim(),
        slug: values.slug,
        ...(values.description.trim() ? { description: values.description.trim() } : {}),
      })
      selectOrganisation(organisation.slug)
      notifications.show({ color: 'teal', message: `${organisation.name} is ready. You are its admin.` })
      navigate('/', { replace: true })
    } catch (caught) {
      if (isApiError(caught) && caught.code === 'ORGANISATION_SLUG_TAKEN') {
        form.setFieldError('slug', 'This URL name is taken. Try another.')
        focusFirstInvalid()
      } else if (applyFieldErrors(form, caught, ['name', 'slug', 'description'])) {
        focusFirstInvalid()
      } else {
        setError(errorMessage(caught, 'Could not create the organisation.'))
      }
    }
  }, focusFirstInvalid)

  const first = organisations.length === 0

  return (
    <>
      <PageTitle
        description={
          first
            ? 'You are not a member of any organisation yet. Create one for your team, or ask an admin of an existing one to invite you.'
            : 'A separate workspace with its own members, reviews and audit log.'
        }
      >
        Create an organisation
      </PageTitle>
      <Card withBorder padding="lg" radius="md" maw={640}>
        <form onSubmit={submit} noValidate aria-label="Create an organisation">
          <Stack gap="md">
            {error ? (
              <Alert color="red" variant="light">
                {error}
              </Alert>
            ) : null}
            <TextInput
              label="Organisation name"
              description="For example your department, trust or teaching channel."
              required
              autoFocus
              {...form.getInputProps('name')}
              onChange={(event) => {
                const name = event.currentTarget.value
                form.setFieldValue('name', name)
                if (!slugEdited) form.setFieldValue('slug', slugify(name))
              }}
            />
            <TextInput
              label="URL name"
              description="Lowercase letters, numbers and hyphens. It identifies the organisation in links."
              required
              {...form.getInputProps('slug')}
              onChange={(event) => {
                setSlugEdited(true)
                form.setFieldValue('slug', event.currentTarget.value.toLowerCase())
              }}
            />
            <Textarea
              label="Description"
              description="Optional. What the organisation teaches, and to whom."
              autosize
              minRows={2}
              {...form.getInputProps('description')}
            />
            <Group justify="space-between">
              <Text size="sm" c="dimmed">
                You will be its first admin.
              </Text>
              <Button type="submit" loading={create.isPending}>
                Create organisation
              </Button>
            </Group>
          </Stack>
        </form>
      </Card>
    </>
  )
}
