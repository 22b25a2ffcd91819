import { Alert, Anchor, Button, PasswordInput, Stack, TextInput } from '@mantine/core'
import { useForm } from '@mantine/form'
import { useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router'
import { errorMessage, isApiError } from '../api/client.ts'
import { fetchMe, queryKeys, signUp, useMe } from '../api/queries.ts'
import { safeRedirect } from '../lib/format.ts'
import { applyFieldErrors, emailPattern, focusFirstInvalid, minPasswordLength } from '../lib/forms.ts'
import { PageLoader } from '../shell/Page.tsx'
import { AuthLayout } from './AuthLayout.tsx'
import { authLink } from './SignInPage.tsx'

function signUpError(error: unknown): string {
  if (isApiError(error)) {
    if (error.code === 'EMAIL_TAKEN' || error.code.startsWith('USER_ALREADY_EXISTS')) {
      return 'An account with this email already exists. Sign in instead, or reset your password.'
    }
    if (error.status === 429) return 'Too many attempts. Please wait a minute and try again.'
  }
  return errorMessage(error, 'Could not create your account. Please try again.')
}

export function SignUpPage() {
  const [params] = useSearchParams()
  const redirect = safeRedirect(params.get('redirect'))
  const navigate = useNavigate()
  const queryClient = useQueryClient()
  const me = useMe()
  const [error, setError] = useState<string | null>(null)
  const [submitting, setSubmitting] = useState(false)
  const [checkEmail, setCheckEmail] = useState<string | null>(null)

  const form = useForm({
    initialValues: { name: '', email: params.get('email') ?? '', password: '' },
    validate: {
      name: (value) => (value.trim() ? null : 'Enter your name'),
      email: (value) =>
        !value.trim()
          ? 'Enter your email address'
          : emailPattern.test(value.trim())
            ? null
            : 'Enter a valid email',
      password: (value) =>
        value.length >= minPasswordLength ? null : `Use at least ${minPasswordLength} characters`,
    },
  })

  if (me.isPending) return <PageLoader />
  if (me.data && !submitting) return <Navigate to={redirect} replace />

  const submit = form.onSubmit(async (values) => {
    setError(null)
    setSubmitting(true)
    try {
      await signUp({ name: values.name.trim(), email: values.email.trim(), password: values.password })
      const session = await fetchMe()
      if (!session) {
        // The server wants the address confirmed before the first sign-in.
        setCheckEmail(values.email.trim())
        return
      }
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'me' })
      queryClient.setQueryData(queryKeys.me, session)
      navigate(redirect, { replace: true })
    } catch (caught) {
      if (isApiError(caught) && caught.code.startsWith('PASSWORD_TOO')) {
        form.setFieldError('password', caught.message)
      } else if (applyFieldErrors(form, caught, ['name', 'email', 'password'])) {
        setError('Please correct the highlighted fields.')
      } else {
        setError(signUpError(caught))
      }
    } finally {
      setSubmitting(false)
    }
  }, focusFirstInvalid)

  if (checkEmail) {
    return (
      <AuthLayout title="Check your email">
        <Alert color="teal" variant="light" role="status">
          We have sent a message to {checkEmail}. Follow the link in it to confirm your address, then sign in.
        </Alert>
        <Button component={Link} to={authLink('/sign-in', params, ['redirect'])} variant="default">
          Go to sign in
        </Button>
      </AuthLayout>
    )
  }

  return (
    <AuthLayout
      title="Create your Rounds account"
      subtitle="You will add your professional registration after signing up."
      footer={
        <>
          Already have an account?{' '}
          <Anchor component={Link} to={authLink('/sign-in', params, ['redirect', 'email'])}>
            Sign in
          </Anchor>
        </>
      }
    >
      <form onSubmit={submit} noValidate aria-label="Create account">
        <Stack gap="md">
          {error ? (
            <Alert color="red" variant="light" title="Could not create your account">
              {error}
            </Alert>
          ) : null}
          <TextInput
            label="Full name"
            autoComplete="name"
            required
            autoFocus
            {...form.getInputProps('name')}
          />
          <TextInput
            label="Email"
            type="email"
            autoComplete="email"
            required
            {...form.getInputProps('email')}
          />
          <PasswordInput
            label="Password"
            description={`At least ${minPasswordLength} characters. A few unrelated words make a strong one.`}
            autoComplete="new-password"
            required
            {...form.getInputProps('password')}
          />
          <Button type="submit" loading={submitting} fullWidth>
            Create account
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  )
}
