import { Button, Card, Group, NumberInput, Stack, Text, TextInput } from '@mantine/core'
import type { GetInputPropsReturnType } from '@mantine/form'
import type { TrainingSource } from '../api/types.ts'

export type SourceValues = { title: string; publisher: string; year: number | string; url: string }

export const emptySource = (): SourceValues => ({
  title: '',
  publisher: '',
  year: new Date().getFullYear(),
  url: '',
})

export function toSourceValues(sources: readonly TrainingSource[]): SourceValues[] {
  return sources.map((s) => ({ ...s }))
}

export function fromSourceValues(values: readonly SourceValues[]): TrainingSource[] {
  return values.map((s) => ({
    title: s.title.trim(),
    publisher: s.publisher.trim(),
    year: Number(s.year),
    url: s.url.trim(),
  }))
}

/** Per-field checks that mirror the server's, keyed as @mantine/form expects ("sources.0.url"). */
export function validateSources(values: readonly SourceValues[]): Record<string, string> {
  const errors: Record<string, string> = {}
  values.forEach((s, i) => {
    if (!s.title.trim()) errors[`sources.${i}.title`] = 'Enter the title'
    if (!s.publisher.trim()) errors[`sources.${i}.publisher`] = 'Enter the publisher'
    const year = Number(s.year)
    if (!Number.isInteger(year) || year < 1900 || year > 2100) errors[`sources.${i}.year`] = 'Enter a year'
    if (!/^https?:\/\/\S+\.\S+/.test(s.url.trim()))
      errors[`sources.${i}.url`] = 'Enter a web address (https://…)'
  })
  return errors
}

type FormLike = {
  getInputProps: (path: string) => GetInputPropsReturnType
  insertListItem: (path: string, item: unknown) => void
  removeListItem: (path: string, index: number) => void
}

/** The list of sources a lesson or question cites: add, edit, remove. */
export function SourcesEditor({ form, sources }: { form: FormLike; sources: readonly SourceValues[] }) {
  return (
    <Stack gap="xs">
      <Text size="sm" fw={500}>
        Sources
      </Text>
      <Text size="xs" c="dimmed">
        The guidance this cites, each with a link to the original.
      </Text>
      {sources.map((_, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are positions in the form's list
        <Card key={index} withBorder padding="sm" radius="sm">
          <Stack gap="xs">
            <TextInput
              label={`Source ${index + 1} title`}
              {...form.getInputProps(`sources.${index}.title`)}
            />
            <Group grow align="flex-start" wrap="wrap">
              <TextInput label="Publisher" miw={200} {...form.getInputProps(`sources.${index}.publisher`)} />
              <NumberInput
                label="Year"
                min={1900}
                max={2100}
                allowDecimal={false}
                maw={120}
                {...form.getInputProps(`sources.${index}.year`)}
              />
            </Group>
            <TextInput label="Web address" type="url" {...form.getInputProps(`sources.${index}.url`)} />
            <Group justify="flex-end">
              <Button
                variant="subtle"
                color="red"
                size="xs"
                onClick={() => form.removeListItem('sources', index)}
                aria-label={`Remove source ${index + 1}`}
              >
                Remove
              </Button>
            </Group>
          </Stack>
        </Card>
      ))}
      <Group>
        <Button variant="default" size="xs" onClick={() => form.insertListItem('sources', emptySource())}>
          Add a source
        </Button>
      </Group>
    </Stack>
  )
}
