import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Code,
  Grid,
  Group,
  List,
  Loader,
  MultiSelect,
  Radio,
  SimpleGrid,
  Stack,
  TagsInput,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { memo, useCallback, useEffect, useId, useMemo, useRef, useState } from 'react'
import { Link, useParams } from 'react-router'
import { errorMessage, isApiError } from '../api/client.ts'
import {
  type Item,
  type ItemFields,
  type ItemUpdate,
  type ScreeningRecord,
  useItem,
  useItemVersions,
  useSubmitItem,
  useUpdateItem,
} from '../api/content.ts'
import { useScreeningPolicy } from '../api/queries.ts'
import {
  type ChannelId,
  channelIds,
  type Finding,
  type ReadinessGap,
  type ScreenInput,
} from '../api/types.ts'
import { formatDateTime } from '../lib/format.ts'
import { MediaPanel } from '../media/MediaPanel.tsx'
import { useCurrentOrganisation } from '../org/OrganisationContext.tsx'
import { PublishPanel } from '../publishing/PublishPanel.tsx'
import { ItemReviewCard } from '../review/EditorReview.tsx'
import { OverridePanel } from '../review/OverridePanel.tsx'
import { DraftEditor, type DraftEditorHandle } from '../screening/DraftEditor.tsx'
import type { Engine } from '../screening/engine.ts'
import { channelLabels, DEBOUNCE_MS, FindingsList, Legend, useEngine } from '../screening/FindingsPanel.tsx'
import { countsText, excerpt, quizPlace } from '../screening/findings.ts'
import { ErrorState, PageLoader, PageTitle } from '../shell/Page.tsx'
import { gapLinkLabels } from '../standards/Readiness.tsx'
import { StateBadge } from './ContentListPage.tsx'
import { CorrectionsPanel } from './CorrectionsPanel.tsx'
import {
  audienceLabels,
  editableStates,
  kindLabels,
  stateLabels,
  submittableStates,
  topicLabel,
} from './labels.ts'
import { QuizCard, savableQuiz } from './QuizCard.tsx'
import { Timeline } from './Timeline.tsx'
import { VersionCompare } from './VersionDiff.tsx'

const clinicalTopics = [
  'acute-medicine',
  'anaesthetics',
  'cardiology',
  'critical-care',
  'dermatology',
  'emergency-medicine',
  'endocrinology',
  'gastroenterology',
  'general-practice',
  'general-surgery',
  'geriatrics',
  'haematology',
  'infectious-diseases',
  'nephrology',
  'neurology',
  'obstetrics-gynaecology',
  'oncology',
  'ophthalmology',
  'orthopaedics',
  'paediatrics',
  'palliative-care',
  'pathology',
  'pharmacology',
  'psychiatry',
  'public-health',
  'radiology',
  'respiratory',
  'rheumatology',
  'urology',
] as const satisfies readonly ItemFields['topics'][number][]
const nonClinicalTopics = [
  'leadership',
  'teamwork',
  'innovation',
  'professionalism',
  'wellbeing',
  'careers',
] as const satisfies readonly ItemFields['topics'][number][]
const audiences = [
  'students',
  'trainees',
  'qualified-professionals',
  'public',
] as const satisfies readonly ItemFields['audience'][number][]

/** The fields edited here (everything but media and consents, which keep their own screens). */
type Form = Pick<
  ItemFields,
  | 'title'
  | 'voice'
  | 'topics'
  | 'audience'
  | 'learningObjectives'
  | 'channels'
  | 'hashtags'
  | 'captions'
  | 'references'
  | 'quiz'
>

function formOf(fields: ItemFields): Form {
  const { title, voice, topics, audience, learningObjectives, channels, hashtags, captions, references } =
    fields
  return {
    title,
    voice,
    topics,
    audience,
    learningObjectives,
    channels,
    hashtags,
    captions,
    references,
    quiz: fields.quiz ?? null,
  }
}

/** References as text: one a line, "[1] 10.1056/…" (the marker is optional). */
function referencesToText(references: Form['references']): string {
  return references.map((r) => `[${r.marker}] ${r.value}`).join('\n')
}

function textToReferences(text: string): Form['references'] {
  const out: Form['references'] = []
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (!line) continue
    const match = line.match(/^\[([^\]]{1,20})\]\s*(.+)$/)
    const marker = match?.[1]?.trim() || String(out.length + 1)
    const value = (match?.[2] ?? line).trim()
    if (value) out.push({ marker, value })
  }
  return out.slice(0, 100)
}

/** Findings in these fields offer a one-click fix in the editor. */
const captionsFixable = ['body', 'captions'] as const

const gapCodes = ['TRAINING_REQUIRED', 'DISPLAY_NAME_REQUIRED', 'DISCLOSURE_REQUIRED'] as const

type Refusal =
  | { kind: 'gate'; message: string; gaps: ReadinessGap[] }
  | { kind: 'screening'; message: string; findings: Finding[] }
  | { kind: 'other'; message: string }

function refusalOf(error: unknown): Refusal {
  if (isApiError(error)) {
    if ((gapCodes as readonly string[]).includes(error.code)) {
      const gaps = Array.isArray(error.details) ? (error.details as ReadinessGap[]) : []
      return { kind: 'gate', message: error.message, gaps }
    }
    if (error.code === 'SCREENING_BLOCKED') {
      const findings = Array.isArray(error.details) ? (error.details as Finding[]) : []
      return { kind: 'screening', message: error.message, findings }
    }
    return { kind: 'other', message: error.message || errorMessage(error) }
  }
  return { kind: 'other', message: errorMessage(error) }
}

function RefusalAlert({ refusal, onSelect }: { refusal: Refusal; onSelect: (finding: Finding) => void }) {
  if (refusal.kind === 'gate') {
    return (
      <Alert
        color="yellow"
        variant="light"
        title="Not submitted: you are not ready to submit yet"
        role="alert"
      >
        <Stack gap="xs">
          <Text size="sm">{refusal.message}</Text>
          <List size="sm" spacing={4}>
            {refusal.gaps.map((gap) => (
              <List.Item key={gap.code}>
                {gap.message}{' '}
                <Anchor component={Link} to={gap.link} size="sm" fw={600}>
                  {gapLinkLabels[gap.code] ?? 'Put it right'}
                </Anchor>
              </List.Item>
            ))}
          </List>
          <Text size="xs" c="dimmed">
            The item is still a draft; nothing was sent for review.
          </Text>
        </Stack>
      </Alert>
    )
  }
  if (refusal.kind === 'screening') {
    return (
      <Alert
        color="red"
        variant="light"
        title="Not submitted: screening found blocking problems"
        role="alert"
      >
        <Stack gap="xs">
          <Text size="sm">
            Fix or remove each of these (they are highlighted in the body), save, and submit again. An editor
            can override a finding with a written reason, such as consent on file.
          </Text>
          <List size="sm" spacing={4} aria-label="Blocking findings">
            {refusal.findings.map((f) => (
              <List.Item key={`${f.ruleId}|${f.field}|${f.start}|${f.end}`}>
                {f.field === 'body' ? (
                  <Anchor component="button" type="button" size="sm" fw={600} onClick={() => onSelect(f)}>
                    “{excerpt(f.text, 80)}”
                  </Anchor>
                ) : (
                  <Text span size="sm" fw={600}>
                    “{excerpt(f.text, 80)}” (in {f.quiz ? `the quiz: ${quizPlace(f.quiz)}` : f.field})
                  </Text>
                )}{' '}
                <Text span size="sm">
                  {f.message}
                </Text>{' '}
                <Code>{f.ruleId}</Code>
              </List.Item>
            ))}
          </List>
        </Stack>
      </Alert>
    )
  }
  return (
    <Alert color="red" variant="light" title="Not submitted" role="alert">
      <Text size="sm">{refusal.message}</Text>
    </Alert>
  )
}

const DetailsCard = memo(function DetailsCard({
  form,
  referencesText,
  kind,
  readOnly,
  onChange,
  onReferences,
}: {
  form: Form
  referencesText: string
  kind: Item['kind']
  readOnly: boolean
  onChange: (patch: Partial<Form>) => void
  onReferences: (text: string) => void
}) {
  const topicData = [
    { group: 'Clinical specialties', items: clinicalTopics.map((t) => ({ value: t, label: topicLabel(t) })) },
    { group: 'Themes', items: nonClinicalTopics.map((t) => ({ value: t, label: topicLabel(t) })) },
  ]
  return (
    <Card withBorder radius="md" padding="md" component="section" aria-labelledby="item-details-heading">
      <Title order={2} size="h5" id="item-details-heading" mb="sm">
        About this item
      </Title>
      <Stack gap="md">
        <Radio.Group
          label="Voice"
          description="Professional items speak for your role."
          value={form.voice}
          onChange={(value) => onChange({ voice: value === 'personal' ? 'personal' : 'professional' })}
          readOnly={readOnly}
        >
          <Group gap="md" mt={6}>
            <Radio value="professional" label="Professional" disabled={readOnly} />
            <Radio value="personal" label="Personal" disabled={readOnly} />
          </Group>
        </Radio.Group>
        <Checkbox.Group
          label="Channels"
          description="Where it will be published: each channel’s limits are checked."
          value={form.channels}
          onChange={(value) => onChange({ channels: channelIds.filter((c) => value.includes(c)) })}
        >
          <Group gap="md" mt={6}>
            {channelIds.map((c) => (
              <Checkbox key={c} value={c} label={channelLabels[c]} disabled={readOnly} />
            ))}
          </Group>
        </Checkbox.Group>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
          <MultiSelect
            label="Topics"
            data={topicData}
            value={form.topics}
            onChange={(value) => onChange({ topics: value as Form['topics'] })}
            maxValues={10}
            searchable
            clearable
            disabled={readOnly}
          />
          <MultiSelect
            label="Audience"
            data={audiences.map((a) => ({ value: a, label: audienceLabels[a] ?? a }))}
            value={form.audience}
            onChange={(value) => onChange({ audience: value as Form['audience'] })}
            clearable
            disabled={readOnly}
          />
        </SimpleGrid>
        <TagsInput
          label="Learning objectives"
          description="What a reader should be able to do afterwards. Press Enter after each."
          value={form.learningObjectives}
          onChange={(value) => onChange({ learningObjectives: value })}
          maxTags={20}
          disabled={readOnly}
        />
        <TagsInput
          label="Hashtags"
          description="Press Enter after each."
          value={form.hashtags}
          onChange={(value) => onChange({ hashtags: value })}
          maxTags={30}
          disabled={readOnly}
        />
        <Textarea
          label="References"
          description="One a line, with the marker you cite in the text: “[1] 10.1056/NEJMoa…” (DOI, PMID or web address)."
          autosize
          minRows={2}
          maxRows={8}
          value={referencesText}
          onChange={(event) => onReferences(event.currentTarget.value)}
          readOnly={readOnly}
        />
        {kind === 'video' ? (
          <Textarea
            label="Captions"
            description="SRT, WebVTT or a plain transcript."
            autosize
            minRows={3}
            maxRows={12}
            value={form.captions}
            onChange={(event) => onChange({ captions: event.currentTarget.value })}
            readOnly={readOnly}
          />
        ) : null}
      </Stack>
    </Card>
  )
})

/** Per channel: the length as the channel counts it and, when it is too long, the thread split. */
function ChannelPreview({ engine, body, channels }: { engine: Engine; body: string; channels: ChannelId[] }) {
  if (channels.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        Choose channels to see each one’s length and thread split.
      </Text>
    )
  }
  return (
    <Stack gap="sm">
      {channels.map((c) => {
        const spec = engine.channelSpecs[c]
        const { length, overflowAt } = engine.measure(body, c)
        const finite = Number.isFinite(spec.maxLength)
        const over = overflowAt !== null
        const parts = over && spec.threads ? engine.splitIntoThread(body, c) : []
        return (
          <Stack key={c} gap={4} data-testid={`channel-${c}`}>
            <Group gap="xs">
              <Text size="sm" fw={600}>
                {spec.label}
              </Text>
              <Text size="sm" c={over ? 'red' : 'dimmed'} fw={over ? 700 : 400}>
                {length.toLocaleString()}
                {finite ? `/${spec.maxLength.toLocaleString()}` : ''}
              </Text>
              {over ? (
                <Badge size="sm" color={spec.threads ? 'yellow' : 'red'} variant="light">
                  {spec.threads ? `Thread of ${parts.length}` : 'Too long'}
                </Badge>
              ) : null}
            </Group>
            {parts.length > 1 ? (
              <Stack component="ol" gap={4} m={0} pl="md" aria-label={`${spec.label} thread`}>
                {parts.map((part, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the parts are positional
                  <Text component="li" key={i} size="xs" c="dimmed" style={{ whiteSpace: 'pre-wrap' }}>
                    {part}
                  </Text>
                ))}
              </Stack>
            ) : null}
          </Stack>
        )
      })}
    </Stack>
  )
}

/** The item's history in one place: its versions (with a diff between any two) and every event. */
function HistoryCard({ item }: { item: Item }) {
  const { organisation } = useCurrentOrganisation()
  const versions = useItemVersions(organisation.slug, item.id)
  return (
    <Card withBorder radius="md" padding="md" component="section" aria-labelledby="history-heading">
      <Title order={2} size="h5" id="history-heading" mb="sm">
        History
      </Title>
      <Stack gap="xs">
        <Text size="sm">
          Created {formatDateTime(item.createdAt)} by {item.author.name}; last changed{' '}
          {formatDateTime(item.updatedAt)}.
        </Text>
        <Text size="xs" c="dimmed">
          Working copy <Code>{item.contentHash.slice(0, 12)}</Code>
          {item.latestVersion && item.latestVersion.contentHash !== item.contentHash
            ? ' (changed since the last version)'
            : ''}
        </Text>
        {versions.isPending ? (
          <Loader size="xs" />
        ) : versions.isError ? (
          <ErrorState error={versions.error} title="Could not load the versions" />
        ) : versions.data.versions.length === 0 ? (
          <Text size="sm" c="dimmed">
            No versions yet: submitting the item records its first version.
          </Text>
        ) : (
          <Stack component="ol" gap={4} m={0} pl="md" aria-label="Versions">
            {[...versions.data.versions].reverse().map((v) => (
              <Text component="li" key={v.number} size="sm">
                Version {v.number} · <Code>{v.contentHash.slice(0, 12)}</Code> · {formatDateTime(v.createdAt)}
                {v.createdBy ? ` · ${v.createdBy.name}` : ''}
              </Text>
            ))}
          </Stack>
        )}
        {item.overrides.length ? (
          <Stack gap={4}>
            <Text size="sm" fw={600}>
              Overridden findings
            </Text>
            {item.overrides.map((o) => (
              <Text key={o.id} size="xs">
                <Code>{o.ruleId}</Code> “{excerpt(o.text, 60)}”: {o.reason}
                {o.createdBy ? ` (${o.createdBy.name})` : ''}
              </Text>
            ))}
          </Stack>
        ) : null}
        <VersionCompare item={item} />
      </Stack>
      <Timeline itemId={item.id} embedded />
    </Card>
  )
}

function Editor({ item }: { item: Item }) {
  const { me, organisation } = useCurrentOrganisation()
  const slug = organisation.slug
  const editor = useRef<DraftEditorHandle>(null)
  const ids = { help: useId() }
  const mine = item.author.id === me.user.id
  const editable = mine && editableStates.includes(item.state)

  const [form, setForm] = useState<Form>(() => formOf(item.fields))
  const [referencesText, setReferencesText] = useState(() => referencesToText(item.fields.references))
  const [body, setBody] = useState(item.fields.body)
  const [savedPayload, setSavedPayload] = useState(() =>
    JSON.stringify({ ...formOf(item.fields), body: item.fields.body }),
  )
  const [refusal, setRefusal] = useState<Refusal | null>(null)
  const [submitted, setSubmitted] = useState<ScreeningRecord | null>(null)

  // Captions can change on the server without this form: an uploaded SRT or VTT file becomes the
  // item's captions. Take them in, unless the author has edited the captions here since.
  const serverCaptions = useRef(item.fields.captions)
  useEffect(() => {
    const prev = serverCaptions.current
    const next = item.fields.captions
    if (next === prev) return
    serverCaptions.current = next
    setForm((f) => (f.captions === prev ? { ...f, captions: next } : f))
    setSavedPayload((saved) => {
      const p = JSON.parse(saved) as { captions?: string }
      return p.captions === prev ? JSON.stringify({ ...p, captions: next }) : saved
    })
  }, [item.fields.captions])

  const onChange = useCallback((patch: Partial<Form>) => setForm((f) => ({ ...f, ...patch })), [])
  const onQuiz = useCallback((quiz: Form['quiz']) => setForm((f) => ({ ...f, quiz })), [])
  const onReferences = useCallback((text: string) => {
    setReferencesText(text)
    setForm((f) => ({ ...f, references: textToReferences(text) }))
  }, [])

  const payload: ItemUpdate = useMemo(() => ({ ...savableQuiz(form), body }), [form, body])
  const payloadText = JSON.stringify(payload)
  const dirty = editable && payloadText !== savedPayload

  const update = useUpdateItem(slug, item.id)
  const submit = useSubmitItem(slug, item.id)

  const save = useCallback(async () => {
    const sent = payloadText
    const saved = await update.mutateAsync(JSON.parse(sent) as ItemUpdate)
    setSavedPayload(sent)
    return saved
  }, [payloadText, update])

  const onSave = () => {
    save().then(
      () => notifications.show({ color: 'teal', message: 'Saved.' }),
      (caught: unknown) =>
        notifications.show({ color: 'red', title: 'Could not save', message: errorMessage(caught) }),
    )
  }

  // Autosave: two seconds after the last change.
  const saveRef = useRef(save)
  saveRef.current = save
  useEffect(() => {
    if (!dirty || update.isPending || submit.isPending) return
    const timer = setTimeout(() => {
      saveRef.current().catch(() => {})
    }, 2000)
    return () => clearTimeout(timer)
  }, [dirty, update.isPending, submit.isPending])

  const onSubmit = async () => {
    setRefusal(null)
    setSubmitted(null)
    try {
      if (dirty) await save()
      const result = await submit.mutateAsync()
      setSubmitted(result.screening)
      notifications.show({ color: 'teal', message: `Submitted for review.` })
    } catch (caught) {
      const next = refusalOf(caught)
      setRefusal(next)
      if (next.kind === 'screening') {
        editor.current?.showFindings(next.findings, editor.current.getText())
      }
    }
  }

  // ---- the live check ----
  const policy = useScreeningPolicy(slug)
  const { engine, error: engineError, retry: retryEngine } = useEngine()
  const { compiled, policyError } = useMemo(() => {
    if (!engine || !policy.data) return { compiled: null, policyError: null }
    try {
      return { compiled: engine.compilePolicy(policy.data.policy), policyError: null }
    } catch (caught) {
      return { compiled: null, policyError: caught instanceof Error ? caught.message : String(caught) }
    }
  }, [engine, policy.data])
  const displayName = me.identity.displayName || me.user.name
  const input = useMemo<ScreenInput>(
    () => ({
      title: form.title,
      body,
      captions: form.captions,
      hashtags: form.hashtags,
      references: form.references.map((r) => ({ marker: r.marker, value: r.value })),
      voice: form.voice,
      author: {
        displayName,
        profession: me.identity.profession ?? null,
        aliases: me.user.name && me.user.name !== displayName ? [me.user.name] : [],
      },
      disclosures: [],
      disclosureShown: true,
      channels: form.channels,
      // The item's files (alt text, captions for video), as the server's gate will see them.
      media: item.fields.media.map((m) => ({
        kind: m.kind,
        ...(m.altText !== undefined ? { altText: m.altText } : {}),
        ...(m.kind === 'video' || item.kind === 'video' ? { hasCaptions: form.captions.trim() !== '' } : {}),
      })),
      language: 'auto',
      // The quiz is published with the item and screened at submission like the body.
      quiz: (form.quiz?.questions ?? []).map((q) => ({
        id: q.id,
        prompt: q.prompt,
        options: q.options.map((o) => ({ id: o.id, text: o.text })),
        explanation: q.explanation ?? '',
        objective: q.objective ?? '',
      })),
    }),
    [form, body, displayName, me.identity.profession, me.user.name, item.fields.media, item.kind],
  )
  const [live, setLive] = useState<{
    findings: Finding[]
    counts: Record<'block' | 'warn' | 'info', number>
  } | null>(null)
  useEffect(() => {
    if (!engine || !compiled) return
    const timer = setTimeout(() => {
      const view = editor.current
      if (view && view.getText() !== input.body) return
      try {
        const report = engine.screen(input, compiled)
        setLive({ findings: report.findings, counts: report.counts })
        view?.showFindings(report.findings, input.body ?? '')
      } catch {
        setLive(null)
      }
    }, DEBOUNCE_MS)
    return () => clearTimeout(timer)
  }, [engine, compiled, input])

  const onSelect = useCallback((finding: Finding) => {
    if (!editor.current?.select(finding)) {
      notifications.show({ message: 'That text has changed. The findings will update in a moment.' })
    }
  }, [])
  const onFix = useCallback(
    (finding: Finding, replacement: string) => {
      if (!editable) return
      if (finding.field === 'captions') {
        // Captions keep their cue lines: only the flagged words change, where they still are.
        const text = form.captions
        if (text.slice(finding.start, finding.end) === finding.text)
          onChange({ captions: text.slice(0, finding.start) + replacement + text.slice(finding.end) })
        else notifications.show({ message: 'That text has changed. The findings will update in a moment.' })
        return
      }
      if (editor.current?.replace(finding, replacement)) editor.current.focus()
      else notifications.show({ message: 'That text has changed. The findings will update in a moment.' })
    },
    [editable, form.captions, onChange],
  )

  // A reviewer's comment on the body: select its quote where it is now (nearest its old offset).
  const onQuote = useCallback((c: { start: number; end: number; quote: string }) => {
    const view = editor.current
    if (!view || !c.quote) return
    const text = view.getText()
    let best = -1
    for (let at = text.indexOf(c.quote); at !== -1; at = text.indexOf(c.quote, at + 1))
      if (best === -1 || Math.abs(at - c.start) < Math.abs(best - c.start)) best = at
    const span = { field: 'body', start: best, end: best + c.quote.length, text: c.quote } as Finding
    if (best === -1 || !view.select(span))
      notifications.show({
        message: 'That passage is no longer in the text: you may already have changed it.',
      })
  }, [])

  const canSubmit = mine && submittableStates.includes(item.state)
  const saveStatus = !editable
    ? 'Read only'
    : update.isPending
      ? 'Saving…'
      : update.isError
        ? 'Not saved'
        : dirty
          ? 'Unsaved changes'
          : 'All changes saved'

  return (
    <>
      <PageTitle
        description={
          <Group gap="xs" component="span">
            <StateBadge state={item.state} />
            <Text span c="dimmed">
              {kindLabels[item.kind].label} by {item.author.name}
              {item.latestVersion ? ` · version ${item.latestVersion.number}` : ''}
            </Text>
          </Group>
        }
        actions={
          <Group gap="xs">
            <Button component={Link} to="/content" variant="subtle">
              Back to my content
            </Button>
          </Group>
        }
      >
        {item.fields.title.trim() || 'Untitled'}
      </PageTitle>

      {engineError ? (
        <ErrorState error={engineError} title="Could not load the screener" onRetry={retryEngine} />
      ) : null}
      {policyError ? (
        <ErrorState
          error={null}
          title="This page cannot apply your organisation’s screening policy. Reload."
        />
      ) : null}
      {!mine ? (
        <Alert color="blue" variant="light" mb="md">
          This is {item.author.name}’s item: you can read it, but only its author edits it.
        </Alert>
      ) : !editable ? (
        <Alert color="blue" variant="light" mb="md">
          {stateLabels[item.state].label}: the item cannot be edited in this state.
        </Alert>
      ) : item.state === 'approved' || item.state === 'scheduled' ? (
        <Alert color="yellow" variant="light" mb="md">
          Saving a change to an approved item voids its approval and sends it back for changes.
        </Alert>
      ) : null}

      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="md">
            <TextInput
              label="Title"
              value={form.title}
              onChange={(event) => onChange({ title: event.currentTarget.value })}
              maxLength={300}
              readOnly={!editable}
            />
            <Stack gap={6}>
              <Group justify="space-between" align="flex-end" gap="xs">
                <Text fw={600} size="sm">
                  Body
                </Text>
                <Text size="xs" c="dimmed" id={ids.help}>
                  Markdown. Screened as you type.
                </Text>
              </Group>
              <DraftEditor
                key={editable ? 'editable' : 'read-only'}
                ref={editor}
                label="Body"
                describedBy={ids.help}
                initialText={body}
                readOnly={!editable}
                placeholderText="Write the post, thread or caption…"
                onChange={setBody}
              />
              <Legend />
            </Stack>
            <Group justify="space-between" gap="sm" wrap="wrap">
              <Group gap="xs" role="status" aria-live="polite">
                {live ? (
                  <Text size="sm" fw={600} data-testid="live-counts">
                    {countsText(live.counts)}
                  </Text>
                ) : !engineError ? (
                  <>
                    <Loader size="xs" />
                    <Text size="sm" c="dimmed">
                      Loading the screener…
                    </Text>
                  </>
                ) : null}
              </Group>
              <Group gap="xs">
                <Text size="sm" c={dirty || update.isError ? 'orange' : 'dimmed'} data-testid="save-status">
                  {saveStatus}
                </Text>
                {editable ? (
                  <Button variant="default" onClick={onSave} loading={update.isPending} disabled={!dirty}>
                    Save
                  </Button>
                ) : null}
              </Group>
            </Group>
            <MediaPanel item={item} editable={editable} />
            <DetailsCard
              form={form}
              referencesText={referencesText}
              kind={item.kind}
              readOnly={!editable}
              onChange={onChange}
              onReferences={onReferences}
            />
            <QuizCard
              quiz={form.quiz}
              objectives={form.learningObjectives}
              readOnly={!editable}
              onChange={onQuiz}
            />
            <Card withBorder radius="md" padding="md" component="section" aria-labelledby="preview-heading">
              <Title order={2} size="h5" id="preview-heading" mb="sm">
                Preview per channel
              </Title>
              {engine ? (
                <ChannelPreview engine={engine} body={body} channels={form.channels} />
              ) : (
                <Loader size="xs" />
              )}
            </Card>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="md">
            <Card withBorder radius="md" padding="md" component="section" aria-labelledby="submit-heading">
              <Title order={2} size="h5" id="submit-heading" mb="sm">
                Review
              </Title>
              <Stack gap="sm">
                <Group gap="xs">
                  <Text size="sm">State:</Text>
                  <StateBadge state={item.state} />
                </Group>
                {canSubmit ? (
                  <>
                    <Text size="sm" c="dimmed">
                      Submitting saves your changes, screens this exact version on the server and sends it to
                      the editors for peer review.
                    </Text>
                    <Button onClick={onSubmit} loading={submit.isPending} disabled={update.isPending}>
                      {item.state === 'changes_requested' ? 'Resubmit for review' : 'Submit for review'}
                    </Button>
                  </>
                ) : null}
                {refusal ? <RefusalAlert refusal={refusal} onSelect={onSelect} /> : null}
                {submitted ? (
                  <Alert color="teal" variant="light" title="Submitted for review" role="status">
                    <Text size="sm">
                      The item is now “{stateLabels[item.state].label}”.{' '}
                      {item.latestVersion ? (
                        <>
                          Version {item.latestVersion.number} (
                          <Code>{item.latestVersion.contentHash.slice(0, 12)}</Code>) was screened:{' '}
                          {countsText(submitted.report.counts)}.
                        </>
                      ) : null}
                    </Text>
                  </Alert>
                ) : null}
              </Stack>
            </Card>
            <OverridePanel item={item} />
            <ItemReviewCard item={item} onQuote={onQuote} />
            <Card withBorder radius="md" padding="md" component="section" aria-labelledby="findings-heading">
              <Title order={2} size="h4" id="findings-heading" mb="sm">
                Findings
              </Title>
              {!live ? (
                <Text size="sm" c="dimmed">
                  Findings will appear here as you write.
                </Text>
              ) : live.findings.length === 0 ? (
                <Text size="sm" c="dimmed">
                  Nothing found under your organisation’s policy.
                </Text>
              ) : (
                <FindingsList
                  findings={live.findings}
                  onSelect={onSelect}
                  onFix={onFix}
                  fixable={captionsFixable}
                />
              )}
            </Card>
            <PublishPanel item={item} />
            <CorrectionsPanel item={item} />
            <HistoryCard item={item} />
          </Stack>
        </Grid.Col>
      </Grid>
    </>
  )
}

export function ItemEditorPage() {
  const { itemId = '' } = useParams()
  const { organisation } = useCurrentOrganisation()
  const item = useItem(organisation.slug, itemId)
  if (item.isPending) return <PageLoader label="Loading the item" />
  if (item.isError) {
    return <ErrorState error={item.error} title="Could not load this item" onRetry={() => item.refetch()} />
  }
  // A new item (or another organisation's) starts a fresh editor with its own state.
  return <Editor key={item.data.id} item={item.data} />
}
