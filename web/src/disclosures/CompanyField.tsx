import { Autocomplete, Group, Loader, Text } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { useMemo } from 'react'
import { useCompanySearch } from '../api/standards.ts'
import type { Company, CompanyRef } from '../api/types.ts'

export type CompanyValue = { name: string; id: string | null }

/** What the server wants: the listed company's id, or the typed name (added to the shared list). */
export function companyRef(value: CompanyValue): CompanyRef {
  return value.id ? { companyId: value.id } : { companyName: value.name.trim() }
}

/**
 * A company from the shared list, found as you type (names and known aliases: "jans" finds
 * Johnson & Johnson), or any other name typed in full.
 */
export function CompanyField({
  value,
  onChange,
  error,
  label = 'Company',
  description = 'Start typing to pick from the list, or type the full name if it is not there.',
  required,
  autoFocus,
}: {
  value: CompanyValue
  onChange: (value: CompanyValue) => void
  error?: React.ReactNode
  label?: string
  description?: string
  required?: boolean
  /** Takes the focus when a dialog opens. */
  autoFocus?: boolean
}) {
  const [debounced] = useDebouncedValue(value.name, 200)
  const search = useCompanySearch(debounced)
  const companies = search.data?.companies ?? []
  const byName = useMemo(() => new Map<string, Company>(companies.map((c) => [c.name, c])), [companies])

  const pick = (name: string) => {
    const exact =
      byName.get(name) ?? companies.find((c) => c.name.toLowerCase() === name.trim().toLowerCase()) ?? null
    onChange({ name, id: exact?.id ?? null })
  }

  return (
    <Autocomplete
      label={label}
      description={description}
      required={required}
      error={error}
      value={value.name}
      onChange={pick}
      onOptionSubmit={pick}
      data={companies.map((c) => c.name)}
      // The server already matched names and aliases; do not filter its answer again.
      filter={({ options }) => options}
      rightSection={search.isFetching ? <Loader size={14} /> : null}
      comboboxProps={{ withinPortal: true }}
      renderOption={({ option }) => {
        const company = byName.get(option.value)
        return (
          <Group gap={6} wrap="nowrap">
            <Text size="sm">{option.value}</Text>
            {company?.parent && company.parent !== company.name ? (
              <Text size="xs" c="dimmed">
                part of {company.parent}
              </Text>
            ) : null}
          </Group>
        )
      }}
      autoComplete="off"
      data-autofocus={autoFocus || undefined}
    />
  )
}
