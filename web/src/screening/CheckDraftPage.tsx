import {
  Anchor,
  Button,
  Card,
  Checkbox,
  Code,
  Grid,
  Group,
  Loader,
  Radio,
  SimpleGrid,
  Stack,
  TagsInput,
  Text,
  Textarea,
  Title,
} from '@mantine/core'
import { useMediaQuery } from '@mantine/hooks'
import { notifications } from '@mantine/notifications'
import { memo, useCallback, useEffect, useId, useMemo, useRef, useState } from 'react'
import { Link } from 'react-router'
import { errorMessage } from '../api/client.ts'
import { useScreeningPolicy, useServerScreen } from '../api/queries.ts'
import {
  type ChannelId,
  channelIds,
  type Finding,
  type ScreenInput,
  type ScreeningReport,
} from '../api/types.ts'
import { useCurrentOrganisation } from '../org/OrganisationContext.tsx'
import { ErrorState, PageTitle } from '../shell/Page.tsx'
import { DraftEditor, type DraftEditorHandle } from './DraftEditor.tsx'
import { channelLabels, DEBOUNCE_MS, FindingsList, Legend, useEngine } from './FindingsPanel.tsx'
import { countsText, excerpt, findingKey } from './findings.ts'

type Voice = 'professional' | 'personal'
type Language = 'auto' | 'en' | 'es'

/** A report and the exact input it was made from (to tell whether it is still current). */
type Checked = { report: ScreeningReport; input: ScreenInput }

function ServerReport({
  checked,
  current,
  live,
}: {
  checked: Checked
  current: ScreenInput
  live: Checked | null
}) {
  const { report } = checked
  const stale = checked.input !== current
  const liveKeys = new Set(live && live.input === checked.input ? live.report.findings.map(findingKey) : [])
  const serverOnly =
    live && live.input === checked.input ? report.findings.filter((f) => !liveKeys.has(findingKey(f))) : []
  const same =
    live &&
    live.input === checked.input &&
    serverOnly.length === 0 &&
    live.report.findings.length === report.findings.length
  return (
    <Card withBorder radius="md" padding="md" component="section" aria-labelledby="server-report-heading">
      <Stack gap="xs">
        <Title order={2} size="h5" id="server-report-heading">
          Server report
        </Title>
        <Text size="sm" fw={600} data-testid="server-counts">
          {countsText(report.counts)}
        </Text>
        <Text size="xs" c="dimmed">
          Engine <Code>{report.engineVersion}</Code> · policy <Code>{report.policyVersion}</Code> · language{' '}
          {report.language}
        </Text>
        {stale ? (
          <Text size="sm" c="orange">
            The draft has changed since this check. Check again before you rely on it.
          </Text>
        ) : same ? (
          <Text size="sm" c="teal">
            The server found the same as the live check.
          </Text>
        ) : live && live.input === checked.input ? (
          <Text size="sm">
            The server’s report differs from the live check
            {serverOnly.length
              ? `: it also found ${serverOnly.map((f) => `${f.ruleId} (“${excerpt(f.text, 40)}”)`).join(', ')}.`
              : '.'}
          </Text>
        ) : null}
      </Stack>
    </Card>
  )
}

/** Everything about the post but its text. */
type PostDetails = {
  voice: Voice
  language: Language
  channels: ChannelId[]
  disclosures: string[]
  disclosureShown: boolean
  references: string
}

const initialDetails: PostDetails = {
  voice: 'professional',
  language: 'auto',
  channels: [],
  disclosures: [],
  disclosureShown: false,
  references: '',
}

/** Memoised: typing in the draft does not re-render these inputs. */
const PostDetailsCard = memo(function PostDetailsCard({
  details,
  onChange,
}: {
  details: PostDetails
  onChange: (patch: Partial<PostDetails>) => void
}) {
  return (
    <Card withBorder radius="md" padding="md" component="section" aria-labelledby="post-details-heading">
      <Title order={2} size="h5" id="post-details-heading" mb="sm">
        About this post
      </Title>
      <Stack gap="md">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
          <Radio.Group
            label="Voice"
            description="Professional posts speak for your role."
            value={details.voice}
            onChange={(value) => onChange({ voice: value === 'personal' ? 'personal' : 'professional' })}
          >
            <Group gap="md" mt={6}>
              <Radio value="professional" label="Professional" />
              <Radio value="personal" label="Personal" />
            </Group>
          </Radio.Group>
          <Radio.Group
            label="Language"
            description="Detected from the text unless you choose."
            value={details.language}
            onChange={(value) => onChange({ language: value === 'en' || value === 'es' ? value : 'auto' })}
          >
            <Group gap="md" mt={6}>
              <Radio value="auto" label="Auto" />
              <Radio value="en" label="English" />
              <Radio value="es" label="Spanish" />
            </Group>
          </Radio.Group>
        </SimpleGrid>
        <Checkbox.Group
          label="Channels"
          description="Where you will post: each channel’s length limits are checked."
          value={details.channels}
          onChange={(value) => onChange({ channels: channelIds.filter((c) => value.includes(c)) })}
        >
          <Group gap="md" mt={6}>
            {channelIds
              .filter((c) => c !== 'rounds')
              .map((c) => (
                <Checkbox key={c} value={c} label={channelLabels[c]} />
              ))}
          </Group>
        </Checkbox.Group>
        <TagsInput
          label="Your disclosures"
          description="Companies you have a financial relationship with. Press Enter after each."
          placeholder="e.g. Novo Nordisk"
          value={details.disclosures}
          onChange={(value) => onChange({ disclosures: value })}
          clearable
        />
        <Checkbox
          label="The post shows my disclosure statement"
          checked={details.disclosureShown}
          onChange={(event) => onChange({ disclosureShown: event.currentTarget.checked })}
        />
        <Textarea
          label="References"
          description="One per line: a DOI, PMID, PMCID or web address."
          autosize
          minRows={2}
          maxRows={8}
          value={details.references}
          onChange={(event) => onChange({ references: event.currentTarget.value })}
        />
      </Stack>
    </Card>
  )
})

export function CheckDraftPage() {
  const { me, organisation } = useCurrentOrganisation()
  const slug = organisation.slug
  const policy = useScreeningPolicy(slug)
  const { engine, error: engineError, retry: retryEngine } = useEngine()
  const editor = useRef<DraftEditorHandle>(null)
  const ids = { help: useId(), status: useId() }

  const [text, setText] = useState('')
  const [details, setDetails] = useState<PostDetails>(initialDetails)
  const updateDetails = useCallback(
    (patch: Partial<PostDetails>) => setDetails((d) => ({ ...d, ...patch })),
    [],
  )
  const [live, setLive] = useState<Checked | null>(null)
  const [screenError, setScreenError] = useState<string | null>(null)
  const [server, setServer] = useState<Checked | null>(null)
  const serverScreen = useServerScreen()
  // A server report belongs to one organisation's policy: switching organisation discards it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the organisation changes
  useEffect(() => setServer(null), [slug])

  const displayName = me.identity.displayName || me.user.name
  // The policy is parsed once per version, not on every keystroke.
  const { compiled, policyError } = useMemo(() => {
    if (!engine || !policy.data) return { compiled: null, policyError: null }
    try {
      return { compiled: engine.compilePolicy(policy.data.policy), policyError: null }
    } catch (caught) {
      // A policy this version of the page does not understand (a newer server): say so, do not guess.
      return { compiled: null, policyError: caught instanceof Error ? caught.message : String(caught) }
    }
  }, [engine, policy.data])

  const { voice, language, channels, disclosures, disclosureShown, references } = details
  const input = useMemo<ScreenInput>(
    () => ({
      body: text,
      references: references
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean)
        .slice(0, 200)
        .map((value) => ({ value })),
      voice,
      author: {
        displayName,
        aliases: me.user.name && me.user.name !== displayName ? [me.user.name] : [],
      },
      disclosures: disclosures.map((company) => ({ company })),
      disclosureShown,
      channels,
      media: [],
      language,
    }),
    [text, references, voice, displayName, me.user.name, disclosures, disclosureShown, channels, language],
  )

  // The live check: debounced, in the browser, under the organisation's policy.
  useEffect(() => {
    if (!engine || !compiled) return
    const timer = setTimeout(() => {
      const view = editor.current
      if (view && view.getText() !== input.body) return // more typing is on its way
      try {
        const report = engine.screen(input, compiled)
        setLive({ report, input })
        setScreenError(null)
        view?.showFindings(report.findings, input.body ?? '')
      } catch (caught) {
        setScreenError(caught instanceof Error ? caught.message : String(caught))
      }
    }, DEBOUNCE_MS)
    return () => clearTimeout(timer)
  }, [engine, compiled, input])

  const current = live?.input === input ? live.report : null
  const report = live?.report ?? null
  const blockingInDraft = current
    ? current.findings.filter((f) => f.severity === 'block' && f.field === 'body' && f.end > f.start)
    : []

  // Stable, so the findings list re-renders only when the findings change, not on every keystroke.
  const onSelect = useCallback((finding: Finding) => {
    if (!editor.current?.select(finding)) {
      notifications.show({ message: 'That text has changed. The findings will update in a moment.' })
    }
  }, [])
  const onFix = useCallback((finding: Finding, replacement: string) => {
    if (editor.current?.replace(finding, replacement)) {
      editor.current.focus()
    } else {
      notifications.show({ message: 'That text has changed. The findings will update in a moment.' })
    }
  }, [])
  const onRedactAll = () => {
    if (!engine || !current) return
    editor.current?.setText(engine.redact(input.body ?? '', current.findings, 'body'))
    editor.current?.focus()
  }
  const onServerCheck = () => {
    const sent = input
    serverScreen.mutate(
      { organisation: slug, input: sent },
      {
        onSuccess: (result) => setServer({ report: result, input: sent }),
        onError: (caught) =>
          notifications.show({ color: 'red', title: 'Server check failed', message: errorMessage(caught) }),
      },
    )
  }

  const ready = Boolean(engine && compiled)
  // On narrow screens the findings come straight after the draft, and the post's details after them.
  const wide = useMediaQuery('(min-width: 62em)', true)
  const postDetails = <PostDetailsCard details={details} onChange={updateDetails} />
  const lengths =
    engine && channels.length
      ? channels
          .filter((c) => Number.isFinite(engine.channelSpecs[c].maxLength))
          .map((c) => ({
            id: c,
            used: engine.countLength(text, c),
            max: engine.channelSpecs[c].maxLength,
          }))
      : []

  return (
    <>
      <PageTitle
        description={
          <>
            Findings appear as you type: patient identifiers, claims without evidence, commercial interests,
            professionalism and platform fit. The live check runs in your browser and nothing is saved; the
            server applies the same checks when you submit.
          </>
        }
      >
        Check a draft
      </PageTitle>

      {engineError ? (
        <ErrorState error={engineError} title="Could not load the screener" onRetry={retryEngine} />
      ) : null}
      {policyError ? (
        <ErrorState
          error={null}
          title="This page cannot apply your organisation’s screening policy. Reload to get the latest version."
          onRetry={() => window.location.reload()}
        />
      ) : null}
      {policy.isError ? (
        <ErrorState
          error={policy.error}
          title="Could not load your organisation’s screening policy"
          onRetry={() => policy.refetch()}
        />
      ) : null}

      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="md">
            <Stack gap={6}>
              <Group justify="space-between" align="flex-end" gap="xs">
                <Text fw={600} size="sm">
                  Draft
                </Text>
                <Text size="xs" c="dimmed" id={ids.help}>
                  Markdown. Nothing you type here is stored.
                </Text>
              </Group>
              <DraftEditor
                ref={editor}
                label="Draft"
                describedBy={ids.help}
                placeholderText="Paste or type a post, thread or caption…"
                onChange={setText}
              />
              <Legend />
            </Stack>

            <Group justify="space-between" gap="sm" wrap="wrap">
              <Group gap="xs" role="status" aria-live="polite" id={ids.status}>
                {!ready && !engineError && !policy.isError && !policyError ? (
                  <>
                    <Loader size="xs" />
                    <Text size="sm" c="dimmed">
                      Loading the screener…
                    </Text>
                  </>
                ) : report ? (
                  <Text size="sm" fw={600} data-testid="live-counts">
                    {countsText(report.counts)}
                  </Text>
                ) : null}
                {screenError ? (
                  <Text size="sm" c="red">
                    The live check failed: {screenError}
                  </Text>
                ) : null}
              </Group>
              <Group gap="xs">
                <Button
                  variant="light"
                  color="red"
                  onClick={onRedactAll}
                  disabled={blockingInDraft.length === 0}
                >
                  Redact all blocking
                </Button>
                <Button
                  variant="default"
                  onClick={onServerCheck}
                  loading={serverScreen.isPending}
                  disabled={!text.trim()}
                >
                  Check on the server
                </Button>
              </Group>
            </Group>

            {lengths.length ? (
              <Text size="xs" c="dimmed" aria-label="Length per channel">
                {lengths.map((l, i) => (
                  <span key={l.id}>
                    {i ? ' · ' : ''}
                    <Text
                      span
                      size="xs"
                      c={l.used > l.max ? 'red' : 'dimmed'}
                      fw={l.used > l.max ? 700 : 400}
                    >
                      {channelLabels[l.id]} {l.used.toLocaleString()}/{l.max.toLocaleString()}
                    </Text>
                  </span>
                ))}
              </Text>
            ) : null}
            {server ? (
              <ServerReport checked={server} current={input} live={live} />
            ) : (
              <Text size="xs" c="dimmed">
                This page is a preview: when you submit a draft, the server screens it again under your
                organisation’s current policy. “Check on the server” shows that report now.
              </Text>
            )}
            {wide ? postDetails : null}
          </Stack>
        </Grid.Col>

        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="md" h={wide ? '100%' : undefined}>
            <Card
              withBorder
              radius="md"
              padding="md"
              component="section"
              aria-labelledby="findings-heading"
              // Beside the editor on wide screens, the findings stay in view while the page scrolls.
              style={
                wide
                  ? { position: 'sticky', top: 76, maxHeight: 'calc(100dvh - 96px)', overflowY: 'auto' }
                  : undefined
              }
            >
              <Group justify="space-between" mb="sm" gap="xs">
                <Title order={2} size="h4" id="findings-heading">
                  Findings
                </Title>
                {policy.data ? (
                  <Text size="xs" c="dimmed">
                    Policy{' '}
                    <Anchor component={Link} to="/settings/screening" size="xs">
                      {policy.data.version === 'default' ? 'default' : policy.data.version}
                    </Anchor>
                  </Text>
                ) : null}
              </Group>
              {!report ? (
                <Text size="sm" c="dimmed">
                  {ready ? 'Start typing or paste a draft.' : 'Findings will appear here as you write.'}
                </Text>
              ) : report.findings.length === 0 ? (
                <Text size="sm" c="dimmed">
                  {text.trim()
                    ? 'Nothing found in this draft under your organisation’s policy.'
                    : 'Start typing or paste a draft.'}
                </Text>
              ) : (
                <FindingsList findings={report.findings} onSelect={onSelect} onFix={onFix} />
              )}
              {policy.data && policy.data.retractedDoiCount > 0 ? (
                <Text size="xs" c="dimmed" mt="sm">
                  References are checked against {policy.data.retractedDoiCount.toLocaleString()} retracted
                  papers on the server only: use “Check on the server”.
                </Text>
              ) : null}
            </Card>
            {wide ? null : postDetails}
          </Stack>
        </Grid.Col>
      </Grid>
    </>
  )
}
