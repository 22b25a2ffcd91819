import { isApiError } from '../api/client.ts'

type FormWithErrors = { setFieldError: (path: string, error: string) => void }

/**
 * Puts a 400 VALIDATION_FAILED's per-field messages next to their fields.
 * Returns true when at least one message landed on a field of the form.
 */
export function applyFieldErrors(form: FormWithErrors, error: unknown, fields: readonly string[]): boolean {
  if (!isApiError(error)) return false
  let placed = false
  for (const [path, message] of Object.entries(error.fieldErrors)) {
    const field = fields.find((name) => path === name || path.startsWith(`${name}.`))
    if (field) {
      form.setFieldError(field, message)
      placed = true
    }
  }
  return placed
}

/** After a failed client-side validation, put the caret in the first field that needs fixing. */
export function focusFirstInvalid() {
  requestAnimationFrame(() => {
    document.querySelector<HTMLElement>('form [aria-invalid="true"]')?.focus()
  })
}

export const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

export const minPasswordLength = 12
