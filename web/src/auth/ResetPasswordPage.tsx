import { Alert, Anchor, Button, PasswordInput, Stack } from '@mantine/core'
import { useForm } from '@mantine/form'
import { useState } from 'react'
import { Link, useNavigate, useSearchParams } from 'react-router'
import { errorMessage, isApiError } from '../api/client.ts'
import { resetPassword } from '../api/queries.ts'
import { applyFieldErrors, focusFirstInvalid, minPasswordLength } from '../lib/forms.ts'
import { AuthLayout } from './AuthLayout.tsx'

export function ResetPasswordPage() {
  const [params] = useSearchParams()
  const token = params.get('token')
  const linkError = params.get('error')
  const navigate = useNavigate()
  const [error, setError] = useState<string | null>(null)
  const [submitting, setSubmitting] = useState(false)
  const form = useForm({
    initialValues: { newPassword: '', confirmPassword: '' },
    validate: {
      newPassword: (value) =>
        value.length >= minPasswordLength ? null : `Use at least ${minPasswordLength} characters`,
      confirmPassword: (value, values) =>
        value === values.newPassword ? null : 'The passwords do not match',
    },
  })

  const footer = (
    <Anchor component={Link} to="/sign-in">
      Back to sign in
    </Anchor>
  )

  if (!token || linkError) {
    return (
      <AuthLayout title="Reset your password" footer={footer}>
        <Alert color="red" variant="light" title="This link does not work">
          The password reset link is missing, has expired or has already been used.
        </Alert>
        <Button component={Link} to="/forgot-password" variant="default">
          Send a new link
        </Button>
      </AuthLayout>
    )
  }

  const submit = form.onSubmit(async ({ newPassword }) => {
    setError(null)
    setSubmitting(true)
    try {
      await resetPassword({ newPassword, token })
      navigate('/sign-in?reset=1', { replace: true })
    } catch (caught) {
      if (applyFieldErrors(form, caught, ['newPassword'])) return
      if (isApiError(caught) && caught.code.startsWith('PASSWORD_TOO')) {
        form.setFieldError('newPassword', caught.message)
      } else if (isApiError(caught) && caught.code === 'INVALID_TOKEN') {
        setError('This reset link has expired or has already been used. Ask for a new one.')
      } else {
        setError(errorMessage(caught))
      }
    } finally {
      setSubmitting(false)
    }
  }, focusFirstInvalid)

  return (
    <AuthLayout title="Choose a new password" footer={footer}>
      <form onSubmit={submit} noValidate aria-label="Choose a new password">
        <Stack gap="md">
          {error ? (
            <Alert color="red" variant="light">
              {error}{' '}
              <Anchor component={Link} to="/forgot-password" size="sm">
                Send a new link
              </Anchor>
            </Alert>
          ) : null}
          <PasswordInput
            label="New password"
            description={`At least ${minPasswordLength} characters.`}
            autoComplete="new-password"
            required
            autoFocus
            {...form.getInputProps('newPassword')}
          />
          <PasswordInput
            label="Confirm new password"
            autoComplete="new-password"
            required
            {...form.getInputProps('confirmPassword')}
          />
          <Button type="submit" loading={submitting} fullWidth>
            Change password
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  )
}
