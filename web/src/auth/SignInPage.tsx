import { Alert, Anchor, Button, Group, PasswordInput, Stack, TextInput } from '@mantine/core'
import { useForm } from '@mantine/form'
import { useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router'
import { errorMessage, isApiError } from '../api/client.ts'
import { fetchMe, queryKeys, signIn, useMe } from '../api/queries.ts'
import { safeRedirect } from '../lib/format.ts'
import { emailPattern, focusFirstInvalid } from '../lib/forms.ts'
import { PageLoader } from '../shell/Page.tsx'
import { AuthLayout } from './AuthLayout.tsx'

function signInError(error: unknown): string {
  if (isApiError(error)) {
    if (error.status === 401 || error.code === 'INVALID_EMAIL_OR_PASSWORD')
      return 'Incorrect email or password.'
    if (error.status === 429) {
      return error.retryAfter
        ? `Too many sign-in attempts. Please wait ${error.retryAfter} seconds and try again.`
        : 'Too many sign-in attempts. Please wait a minute and try again.'
    }
    if (error.code === 'EMAIL_NOT_VERIFIED')
      return 'Please verify your email address first: check your inbox.'
  }
  return errorMessage(error, 'Could not sign in. Please try again.')
}

/** Keeps ?redirect= and ?email= when moving between the signed-out pages. */
export function authLink(path: string, params: URLSearchParams, keep: readonly string[] = ['redirect']) {
  const next = new URLSearchParams()
  for (const key of keep) {
    const value = params.get(key)
    if (value) next.set(key, value)
  }
  const query = next.toString()
  return query ? `${path}?${query}` : path
}

export function SignInPage() {
  const [params] = useSearchParams()
  const redirect = safeRedirect(params.get('redirect'))
  const navigate = useNavigate()
  const queryClient = useQueryClient()
  const me = useMe()
  const [error, setError] = useState<string | null>(null)
  const [submitting, setSubmitting] = useState(false)

  const form = useForm({
    initialValues: { email: params.get('email') ?? '', password: '' },
    validate: {
      email: (value) =>
        !value.trim()
          ? 'Enter your email address'
          : emailPattern.test(value.trim())
            ? null
            : 'Enter a valid email',
      password: (value) => (value ? null : 'Enter your password'),
    },
  })

  if (me.isPending) return <PageLoader />
  if (me.data && !submitting) return <Navigate to={redirect} replace />

  const submit = form.onSubmit(async (values) => {
    setError(null)
    setSubmitting(true)
    try {
      await signIn({ email: values.email.trim(), password: values.password })
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'me' })
      const session = await fetchMe()
      queryClient.setQueryData(queryKeys.me, session)
      navigate(redirect, { replace: true })
    } catch (caught) {
      setError(signInError(caught))
      form.setFieldValue('password', '')
    } finally {
      setSubmitting(false)
    }
  }, focusFirstInvalid)

  const notice =
    params.get('reset') === '1'
      ? 'Your password has been changed. Sign in with your new password.'
      : params.get('signedOut') === '1'
        ? 'You have signed out.'
        : null

  return (
    <AuthLayout
      title="Sign in to Rounds"
      subtitle="Medical education for social media, reviewed by peers before it is published."
      footer={
        <>
          New to Rounds?{' '}
          <Anchor component={Link} to={authLink('/sign-up', params, ['redirect', 'email'])}>
            Create an account
          </Anchor>
        </>
      }
    >
      <form onSubmit={submit} noValidate aria-label="Sign in">
        <Stack gap="md">
          {notice && !error ? (
            <Alert color="teal" variant="light" role="status">
              {notice}
            </Alert>
          ) : null}
          {error ? (
            <Alert color="red" variant="light" title="Sign-in failed">
              {error}
            </Alert>
          ) : null}
          <TextInput
            label="Email"
            type="email"
            autoComplete="username"
            required
            autoFocus
            {...form.getInputProps('email')}
          />
          <PasswordInput
            label="Password"
            autoComplete="current-password"
            required
            {...form.getInputProps('password')}
          />
          <Group justify="space-between" align="center">
            <Anchor component={Link} to={authLink('/forgot-password', params, ['email'])} size="sm">
              Forgot password?
            </Anchor>
            <Button type="submit" loading={submitting}>
              Sign in
            </Button>
          </Group>
        </Stack>
      </form>
    </AuthLayout>
  )
}
