import {
  Accordion,
  ActionIcon,
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Code,
  Group,
  Input,
  NativeSelect,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { type ChangeEvent, type FormEvent, type ReactNode, useId, useMemo, useState } from 'react'
import { Link } from 'react-router'
import { parseRetractionCsv } from '../../../src/capabilities/screening/references.ts'
import { errorMessage } from '../api/client.ts'
import { useSaveScreeningPolicy, useScreeningPolicy, useScreeningRules } from '../api/queries.ts'
import {
  type PackId,
  packIds,
  type ScreeningPolicyInput,
  type ScreeningPolicyState,
  type ScreeningRule,
  type Severity,
  severities,
} from '../api/types.ts'
import { formatDateTime } from '../lib/format.ts'
import { useCurrentOrganisation } from '../org/OrganisationContext.tsx'
import { ErrorState, PageLoader, PageTitle } from '../shell/Page.tsx'
import { packLabel, packLabels, severityLabels } from './findings.ts'

type Override = Severity | 'off'
type BrandRow = { id: number; brand: string; company: string; generic: string }

type Draft = {
  packs: PackId[]
  overrides: Record<string, Override>
  ignoreNames: string
  trustedDomains: string
  derogatory: string
  brands: BrandRow[]
}

/** What the admin chose for the retracted-paper list: keep it, replace it with a file's DOIs, or empty it. */
type Retractions =
  | { kind: 'keep' }
  | { kind: 'replace'; fileName: string; dois: string[] }
  | { kind: 'clear' }

let nextRowId = 1

function draftFrom(state: ScreeningPolicyState): Draft {
  const { policy } = state
  return {
    packs: packIds.filter((p) => policy.packs.includes(p)),
    overrides: { ...policy.severityOverrides },
    ignoreNames: policy.lexicons.ignoreNames.join('\n'),
    trustedDomains: policy.lexicons.trustedDomains.join('\n'),
    derogatory: policy.lexicons.derogatory.join('\n'),
    brands: policy.lexicons.brands.map((b) => ({
      id: nextRowId++,
      brand: b.brand,
      company: b.company,
      generic: b.generic ?? '',
    })),
  }
}

/** One entry a line, trimmed, without blanks or repeats. */
function lines(text: string): string[] {
  const out: string[] = []
  for (const line of text.split('\n')) {
    const value = line.trim()
    if (value && !out.includes(value)) out.push(value)
  }
  return out
}

type BrandErrors = Record<number, { brand?: string; company?: string }>

function brandErrors(rows: readonly BrandRow[]): BrandErrors {
  const errors: BrandErrors = {}
  for (const row of rows) {
    const empty = !row.brand.trim() && !row.company.trim() && !row.generic.trim()
    if (empty) continue
    const e: { brand?: string; company?: string } = {}
    if (row.brand.trim().length < 2) e.brand = 'At least 2 characters'
    if (row.company.trim().length < 2) e.company = 'At least 2 characters'
    if (e.brand || e.company) errors[row.id] = e
  }
  return errors
}

function policyFrom(draft: Draft, retractions: Retractions): ScreeningPolicyInput {
  const severityOverrides: Record<string, Override> = {}
  for (const [rule, value] of Object.entries(draft.overrides)) severityOverrides[rule] = value
  return {
    packs: packIds.filter((p) => draft.packs.includes(p)),
    severityOverrides,
    lexicons: {
      ignoreNames: lines(draft.ignoreNames),
      trustedDomains: lines(draft.trustedDomains),
      derogatory: lines(draft.derogatory),
      brands: draft.brands
        .filter((b) => b.brand.trim() || b.company.trim() || b.generic.trim())
        .map((b) => ({
          brand: b.brand.trim(),
          company: b.company.trim(),
          ...(b.generic.trim() ? { generic: b.generic.trim() } : {}),
        })),
    },
    // Sent only when the admin changed the list: the server keeps the current one otherwise.
    ...(retractions.kind === 'replace' ? { retractedDois: retractions.dois } : {}),
    ...(retractions.kind === 'clear' ? { retractedDois: [] } : {}),
  }
}

function Section({
  id,
  title,
  description,
  children,
}: {
  id: string
  title: string
  description?: ReactNode
  children: ReactNode
}) {
  return (
    <Card withBorder padding="lg" radius="md" component="section" aria-labelledby={id}>
      <Title order={2} size="h4" id={id} mb={description ? 4 : 'sm'}>
        {title}
      </Title>
      {description ? (
        <Text size="sm" c="dimmed" mb="sm">
          {description}
        </Text>
      ) : null}
      {children}
    </Card>
  )
}

function RulesTable({
  rules,
  draft,
  setOverride,
  readOnly,
}: {
  rules: readonly ScreeningRule[]
  draft: Draft
  setOverride: (ruleId: string, value: Override | null) => void
  readOnly: boolean
}) {
  const byPack = packIds.map((pack) => ({ pack, rules: rules.filter((r) => r.pack === pack) }))
  const other = rules.filter((r) => !(packIds as readonly string[]).includes(r.pack))
  if (other.length) byPack.push({ pack: 'other' as PackId, rules: other })
  return (
    <Accordion multiple variant="separated" chevronPosition="left">
      {byPack
        .filter((g) => g.rules.length)
        .map((group) => {
          const label = packLabel(group.pack)
          const packOff = !draft.packs.includes(group.pack)
          const changed = group.rules.filter((r) => draft.overrides[r.id] !== undefined).length
          return (
            <Accordion.Item key={group.pack} value={group.pack}>
              <Accordion.Control>
                <Group justify="space-between" gap="xs" wrap="wrap">
                  <Text fw={600}>{label}</Text>
                  <Text size="xs" c="dimmed">
                    {group.rules.length} rules
                    {changed ? ` · ${changed} changed` : ''}
                    {packOff ? ' · pack off: these rules do not run' : ''}
                  </Text>
                </Group>
              </Accordion.Control>
              <Accordion.Panel>
                <Table.ScrollContainer minWidth={680}>
                  <Table verticalSpacing="xs" aria-label={`${label} rules`}>
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Rule</Table.Th>
                        <Table.Th>Guidance</Table.Th>
                        <Table.Th>Default</Table.Th>
                        <Table.Th w={170}>In this organisation</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {group.rules.map((rule) => {
                        const value = draft.overrides[rule.id]
                        return (
                          <Table.Tr key={rule.id} data-rule={rule.id}>
                            <Table.Td>
                              <Code>{rule.id}</Code>
                              <Text size="xs" c="dimmed" mt={2}>
                                {rule.description}
                              </Text>
                            </Table.Td>
                            <Table.Td>
                              <Text size="xs">{rule.citation}</Text>
                            </Table.Td>
                            <Table.Td>
                              <Badge color={severityLabels[rule.severity].color} variant="light" size="sm">
                                {severityLabels[rule.severity].badge}
                              </Badge>
                            </Table.Td>
                            <Table.Td>
                              <NativeSelect
                                aria-label={`Severity for ${rule.id}`}
                                size="xs"
                                disabled={readOnly}
                                value={value ?? ''}
                                onChange={(event) => {
                                  const next = event.currentTarget.value
                                  setOverride(rule.id, next === '' ? null : (next as Override))
                                }}
                                data={[
                                  {
                                    value: '',
                                    label: `Default (${severityLabels[rule.severity].badge.toLowerCase()})`,
                                  },
                                  ...severities.map((s) => ({ value: s, label: severityLabels[s].badge })),
                                  { value: 'off', label: 'Off' },
                                ]}
                              />
                            </Table.Td>
                          </Table.Tr>
                        )
                      })}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              </Accordion.Panel>
            </Accordion.Item>
          )
        })}
    </Accordion>
  )
}

function PolicyForm({
  state,
  canEdit,
  slug,
}: {
  state: ScreeningPolicyState
  canEdit: boolean
  slug: string
}) {
  const rules = useScreeningRules()
  const save = useSaveScreeningPolicy(slug)
  const [draft, setDraft] = useState<Draft>(() => draftFrom(state))
  const [retractions, setRetractions] = useState<Retractions>({ kind: 'keep' })
  const [fileError, setFileError] = useState<string | null>(null)
  const [note, setNote] = useState('')
  const [noteError, setNoteError] = useState<string | null>(null)
  const [saveError, setSaveError] = useState<string | null>(null)
  const [showBrandErrors, setShowBrandErrors] = useState(false)
  const fileId = useId()
  const readOnly = !canEdit
  const errors = useMemo(() => brandErrors(draft.brands), [draft.brands])

  const update = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }))
  const setOverride = (ruleId: string, value: Override | null) =>
    setDraft((d) => {
      const overrides = { ...d.overrides }
      if (value === null) delete overrides[ruleId]
      else overrides[ruleId] = value
      return { ...d, overrides }
    })
  const setBrand = (id: number, patch: Partial<BrandRow>) =>
    update({ brands: draft.brands.map((b) => (b.id === id ? { ...b, ...patch } : b)) })

  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.currentTarget.files?.[0]
    setFileError(null)
    if (!file) return
    try {
      const dois = parseRetractionCsv(await file.text())
      if (dois.length === 0) {
        setFileError(`No DOIs found in ${file.name}. Use a CSV with a DOI column (e.g. OriginalPaperDOI).`)
        return
      }
      setRetractions({ kind: 'replace', fileName: file.name, dois })
    } catch {
      setFileError(`Could not read ${file.name}.`)
    }
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setSaveError(null)
    let invalid = false
    if (!note.trim()) {
      setNoteError('Say what changed and why')
      invalid = true
    }
    if (Object.keys(errors).length) {
      setShowBrandErrors(true)
      invalid = true
    }
    if (draft.packs.length === 0 && !invalid) {
      // Allowed, but say so: nothing would be screened.
      setSaveError('Choose at least one pack: with none, nothing is screened.')
      invalid = true
    }
    if (invalid) {
      requestAnimationFrame(() => document.querySelector<HTMLElement>('form [aria-invalid="true"]')?.focus())
      return
    }
    try {
      const saved = await save.mutateAsync({ policy: policyFrom(draft, retractions), note: note.trim() })
      notifications.show({ color: 'teal', message: `Screening policy saved as ${saved.version}.` })
      setNote('')
      setNoteError(null)
      setRetractions({ kind: 'keep' })
      setShowBrandErrors(false)
      setDraft(draftFrom(saved))
    } catch (caught) {
      setSaveError(errorMessage(caught, 'Could not save the policy.'))
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Screening policy">
      <Stack gap="lg">
        {readOnly ? (
          <Alert variant="light" color="gray" title="Read-only">
            Only admins can change the screening policy. This is what applies to your drafts.
          </Alert>
        ) : null}

        <Section
          id="packs-heading"
          title="Packs"
          description="Which groups of rules run on your organisation’s drafts."
        >
          <Checkbox.Group
            aria-labelledby="packs-heading"
            value={draft.packs}
            onChange={(value) => update({ packs: packIds.filter((p) => value.includes(p)) })}
          >
            <Stack gap="sm">
              {packIds.map((pack) => (
                <Checkbox
                  key={pack}
                  value={pack}
                  disabled={readOnly}
                  label={packLabels[pack].label}
                  description={packLabels[pack].description}
                />
              ))}
            </Stack>
          </Checkbox.Group>
        </Section>

        <Section
          id="rules-heading"
          title="Rules"
          description="Each rule’s default severity, and yours. Block stops a draft; warn and info are advice. Open a pack to see its rules."
        >
          {rules.isPending ? (
            <PageLoader label="Loading the rules" />
          ) : rules.isError ? (
            <ErrorState
              error={rules.error}
              title="Could not load the rules"
              onRetry={() => rules.refetch()}
            />
          ) : (
            <Stack gap="xs">
              <Text size="xs" c="dimmed">
                Engine <Code>{rules.data.engineVersion}</Code> · {rules.data.rules.length} rules
              </Text>
              <RulesTable
                rules={rules.data.rules}
                draft={draft}
                setOverride={setOverride}
                readOnly={readOnly}
              />
            </Stack>
          )}
        </Section>

        <Section id="lexicons-heading" title="Word lists" description="One entry a line.">
          <Stack gap="md">
            <SimpleGrid cols={{ base: 1, md: 3 }} spacing="md">
              <Textarea
                label="Names to ignore"
                description="Staff and public figures your posts name; never flagged as patients."
                autosize
                minRows={4}
                maxRows={12}
                readOnly={readOnly}
                value={draft.ignoreNames}
                onChange={(e) => update({ ignoreNames: e.currentTarget.value })}
              />
              <Textarea
                label="Trusted reference domains"
                description="Sites accepted as evidence sources, e.g. nice.org.uk."
                autosize
                minRows={4}
                maxRows={12}
                readOnly={readOnly}
                value={draft.trustedDomains}
                onChange={(e) => update({ trustedDomains: e.currentTarget.value })}
              />
              <Textarea
                label="Derogatory terms"
                description="Words to catch, in addition to the built-in list."
                autosize
                minRows={4}
                maxRows={12}
                readOnly={readOnly}
                value={draft.derogatory}
                onChange={(e) => update({ derogatory: e.currentTarget.value })}
              />
            </SimpleGrid>

            <Stack gap="xs">
              <Text fw={600} size="sm" id="brands-heading">
                Brands
              </Text>
              <Text size="xs" c="dimmed">
                Devices and brands the built-in list lacks (e.g. non-US brands), with the company that makes
                them and the generic name.
              </Text>
              {draft.brands.length === 0 ? (
                <Text size="sm" c="dimmed">
                  No extra brands.
                </Text>
              ) : (
                <Stack gap="xs" role="list" aria-labelledby="brands-heading">
                  {draft.brands.map((row, index) => {
                    const rowErrors = showBrandErrors ? errors[row.id] : undefined
                    return (
                      <Group key={row.id} gap="xs" align="flex-start" wrap="wrap" role="listitem">
                        <TextInput
                          aria-label={`Brand ${index + 1}`}
                          placeholder="Brand"
                          readOnly={readOnly}
                          value={row.brand}
                          error={rowErrors?.brand}
                          onChange={(e) => setBrand(row.id, { brand: e.currentTarget.value })}
                          w={180}
                        />
                        <TextInput
                          aria-label={`Company for brand ${index + 1}`}
                          placeholder="Company"
                          readOnly={readOnly}
                          value={row.company}
                          error={rowErrors?.company}
                          onChange={(e) => setBrand(row.id, { company: e.currentTarget.value })}
                          w={220}
                        />
                        <TextInput
                          aria-label={`Generic name for brand ${index + 1}`}
                          placeholder="Generic name (optional)"
                          readOnly={readOnly}
                          value={row.generic}
                          onChange={(e) => setBrand(row.id, { generic: e.currentTarget.value })}
                          w={220}
                        />
                        {readOnly ? null : (
                          <ActionIcon
                            variant="subtle"
                            color="red"
                            size="lg"
                            aria-label={`Remove brand ${index + 1}${row.brand ? ` (${row.brand})` : ''}`}
                            onClick={() => update({ brands: draft.brands.filter((b) => b.id !== row.id) })}
                          >
                            ×
                          </ActionIcon>
                        )}
                      </Group>
                    )
                  })}
                </Stack>
              )}
              {readOnly ? null : (
                <Group>
                  <Button
                    variant="default"
                    size="xs"
                    onClick={() =>
                      update({
                        brands: [...draft.brands, { id: nextRowId++, brand: '', company: '', generic: '' }],
                      })
                    }
                  >
                    Add a brand
                  </Button>
                </Group>
              )}
            </Stack>
          </Stack>
        </Section>

        <Section
          id="retractions-heading"
          title="Retracted papers"
          description="References to these DOIs block a draft. The list is applied on the server."
        >
          <Stack gap="sm">
            <Text size="sm" data-testid="retracted-count">
              {state.retractedDoiCount === 0
                ? 'The policy lists no retracted DOIs.'
                : `The policy lists ${state.retractedDoiCount.toLocaleString()} retracted DOIs.`}
            </Text>
            {readOnly ? null : (
              <>
                <Input.Wrapper
                  label="Import a retraction list (CSV)"
                  description="A CSV with a DOI column, such as the Retraction Watch export (OriginalPaperDOI). It replaces the current list when you save."
                  id={fileId}
                  error={fileError}
                >
                  <input
                    id={fileId}
                    type="file"
                    accept=".csv,text/csv"
                    onChange={onFile}
                    style={{ display: 'block', marginTop: 6 }}
                  />
                </Input.Wrapper>
                {retractions.kind === 'replace' ? (
                  <Alert variant="light" color="blue" role="status">
                    Read {retractions.dois.length.toLocaleString()} DOIs from {retractions.fileName}. They
                    will replace the current list when you save.
                  </Alert>
                ) : null}
                {retractions.kind === 'clear' ? (
                  <Alert variant="light" color="orange" role="status">
                    The list will be emptied when you save.
                  </Alert>
                ) : null}
                <Group gap="xs">
                  {retractions.kind !== 'keep' ? (
                    <Button variant="subtle" size="xs" onClick={() => setRetractions({ kind: 'keep' })}>
                      Keep the current list
                    </Button>
                  ) : null}
                  {state.retractedDoiCount > 0 && retractions.kind === 'keep' ? (
                    <Button
                      variant="subtle"
                      color="red"
                      size="xs"
                      onClick={() => setRetractions({ kind: 'clear' })}
                    >
                      Empty the list
                    </Button>
                  ) : null}
                </Group>
              </>
            )}
          </Stack>
        </Section>

        {readOnly ? null : (
          <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="save-heading">
            <Title order={2} size="h4" id="save-heading" mb="sm">
              Save a new version
            </Title>
            <Stack gap="sm">
              <Textarea
                label="Change note"
                description="What changed and why. Kept in the version history and the audit log."
                required
                autosize
                minRows={2}
                maxLength={500}
                value={note}
                error={noteError}
                onChange={(e) => {
                  setNote(e.currentTarget.value)
                  if (e.currentTarget.value.trim()) setNoteError(null)
                }}
              />
              {saveError ? (
                <Alert color="red" variant="light">
                  {saveError}
                </Alert>
              ) : null}
              <Group justify="flex-end">
                <Button type="submit" loading={save.isPending}>
                  Save policy
                </Button>
              </Group>
            </Stack>
          </Card>
        )}
      </Stack>
    </form>
  )
}

function History({ state }: { state: ScreeningPolicyState }) {
  return (
    <Section id="history-heading" title="Version history">
      {state.history.length === 0 ? (
        <Text size="sm" c="dimmed">
          No versions saved yet: the built-in default policy applies.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={480}>
          <Table verticalSpacing="xs" aria-label="Version history">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Version</Table.Th>
                <Table.Th>Note</Table.Th>
                <Table.Th>Saved</Table.Th>
                <Table.Th>By</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {state.history.map((entry, index) => (
                <Table.Tr key={entry.version}>
                  <Table.Td className="table-nowrap">
                    v{entry.version}
                    {index === 0 ? (
                      <Badge ml="xs" size="xs" variant="light" color="teal">
                        current
                      </Badge>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    {entry.note || (
                      <Text span c="dimmed" size="sm">
                        (no note)
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td className="table-nowrap">{formatDateTime(entry.createdAt)}</Table.Td>
                  <Table.Td>{entry.createdBy?.name ?? '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Section>
  )
}

export function ScreeningPolicyPage() {
  const { organisation, can } = useCurrentOrganisation()
  const policy = useScreeningPolicy(organisation.slug)
  const canEdit = can('organisation.manage')
  return (
    <>
      <PageTitle
        description={
          <>
            How {organisation.name} screens drafts: which rules run, how serious each finding is, and the
            organisation’s own word lists. Authors see it applied as they type on{' '}
            <Anchor component={Link} to="/check">
              Check a draft
            </Anchor>
            .
          </>
        }
      >
        Screening policy
      </PageTitle>
      {policy.isPending ? (
        <PageLoader label="Loading the policy" />
      ) : policy.isError ? (
        <ErrorState error={policy.error} onRetry={() => policy.refetch()} />
      ) : (
        <Stack gap="lg">
          <Group gap="xs">
            <Text size="sm">Current version:</Text>
            <Code data-testid="policy-version">{policy.data.version}</Code>
          </Group>
          <PolicyForm
            key={policy.data.version}
            state={policy.data}
            canEdit={canEdit}
            slug={organisation.slug}
          />
          <History state={policy.data} />
        </Stack>
      )}
    </>
  )
}
