import { Alert, Anchor, Button, Stack, TextInput } from '@mantine/core'
import { useForm } from '@mantine/form'
import { useState } from 'react'
import { Link, useSearchParams } from 'react-router'
import { errorMessage } from '../api/client.ts'
import { requestPasswordReset } from '../api/queries.ts'
import { emailPattern, focusFirstInvalid } from '../lib/forms.ts'
import { AuthLayout } from './AuthLayout.tsx'

export function ForgotPasswordPage() {
  const [params] = useSearchParams()
  const [sentTo, setSentTo] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [submitting, setSubmitting] = useState(false)
  const form = useForm({
    initialValues: { email: params.get('email') ?? '' },
    validate: {
      email: (value) =>
        !value.trim()
          ? 'Enter your email address'
          : emailPattern.test(value.trim())
            ? null
            : 'Enter a valid email',
    },
  })

  const submit = form.onSubmit(async ({ email }) => {
    setError(null)
    setSubmitting(true)
    try {
      await requestPasswordReset(email.trim())
      setSentTo(email.trim())
    } catch (caught) {
      setError(errorMessage(caught))
    } finally {
      setSubmitting(false)
    }
  }, focusFirstInvalid)

  const footer = (
    <Anchor component={Link} to="/sign-in">
      Back to sign in
    </Anchor>
  )

  if (sentTo) {
    return (
      <AuthLayout title="Check your email" footer={footer}>
        <Alert color="teal" variant="light" role="status">
          If there is a Rounds account for {sentTo}, we have sent it a link to choose a new password. The link
          works for a limited time; check your spam folder if it does not arrive in a few minutes.
        </Alert>
      </AuthLayout>
    )
  }

  return (
    <AuthLayout
      title="Reset your password"
      subtitle="Enter the email you signed up with and we will send you a link to choose a new password."
      footer={footer}
    >
      <form onSubmit={submit} noValidate aria-label="Reset password">
        <Stack gap="md">
          {error ? (
            <Alert color="red" variant="light">
              {error}
            </Alert>
          ) : null}
          <TextInput
            label="Email"
            type="email"
            autoComplete="email"
            required
            autoFocus
            {...form.getInputProps('email')}
          />
          <Button type="submit" loading={submitting} fullWidth>
            Send reset link
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  )
}
