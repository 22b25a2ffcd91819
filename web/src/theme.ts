import { type CSSVariablesResolver, createTheme, Modal } from '@mantine/core'

export const theme = createTheme({
  primaryColor: 'teal',
  // Shade 9 keeps white text on filled buttons, and teal links on white, above 4.5:1 (WCAG AA).
  primaryShade: { light: 9, dark: 8 },
  defaultRadius: 'md',
  fontFamily:
    'Inter, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif',
  headings: { fontWeight: '700' },
  components: {
    // Mantine's close button is an icon alone: give it a name screen readers can announce.
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
  },
})

/** Colours the app uses for text on light backgrounds (badges, light buttons, status text). */
const textColors = ['teal', 'grape', 'blue', 'orange', 'red', 'yellow', 'gray'] as const

/**
 * Mantine's default light-scheme text shades (6) fall below 4.5:1 on white; use darker ones so
 * dimmed text, errors, badges and light buttons stay readable.
 */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-error': 'var(--mantine-color-red-8)',
    '--mantine-color-placeholder': 'var(--mantine-color-gray-6)',
    ...Object.fromEntries(
      textColors.flatMap((color) => [
        [`--mantine-color-${color}-light-color`, `var(--mantine-color-${color}-9)`],
        [`--mantine-color-${color}-text`, `var(--mantine-color-${color}-9)`],
      ]),
    ),
  },
  dark: {},
})
