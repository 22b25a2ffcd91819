import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Tabs,
  Text,
  Title,
} from '@mantine/core'
import { useState } from 'react'
import { Link, useNavigate, useParams } from 'react-router'
import { Bar, BarChart, CartesianGrid, LabelList, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { errorMessage } from '../api/client.ts'
import { useItems } from '../api/content.ts'
import { formatDateTime } from '../lib/format.ts'
import { useCurrentOrganisation } from '../org/OrganisationContext.tsx'
import { ErrorState, PageLoader, PageTitle } from '../shell/Page.tsx'
import { emptySurvey, SurveyBuilder } from './SurveyBuilder.tsx'
import {
  csvUrl,
  MIN_READABLE_RESPONSES,
  type SurveyDetail,
  type SurveyResults,
  type SurveyResultsAttachment,
  useArchiveSurvey,
  useAttachSurvey,
  useDeleteSurvey,
  useDetachSurvey,
  useSaveSurvey,
  useSeriesList,
  useSurvey,
  useSurveyResults,
  useSurveys,
  useSurveyTemplates,
} from './surveys.api.ts'

const timingLabels = {
  after_post_quiz: 'After the post quiz',
  after_content: 'After the content',
  with_delayed_quiz: 'With the delayed quiz',
} as const
type Timing = keyof typeof timingLabels

/** The organisation's surveys; editors and admins also start a new one from a template or blank. */
export function SurveysPage() {
  const { organisation, can } = useCurrentOrganisation()
  const surveys = useSurveys(organisation.slug)
  return (
    <>
      <PageTitle
        description="Ask learners what they made of an item: usefulness, satisfaction, whether they will change their practice. Attach a survey to an item or a series; learners answer on the public page, anonymously."
        actions={
          can('analytics.manage') ? (
            <Button component={Link} to="/surveys/new">
              New survey
            </Button>
          ) : null
        }
      >
        Surveys
      </PageTitle>
      {surveys.isPending ? (
        <PageLoader />
      ) : surveys.isError ? (
        <ErrorState error={surveys.error} onRetry={() => surveys.refetch()} />
      ) : surveys.data.surveys.length === 0 ? (
        <Text c="dimmed">No surveys yet. Start from a template with “New survey”.</Text>
      ) : (
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Survey</Table.Th>
              <Table.Th>Version</Table.Th>
              <Table.Th>Questions</Table.Th>
              <Table.Th>Attached</Table.Th>
              <Table.Th>Responses</Table.Th>
              <Table.Th>Changed</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {surveys.data.surveys.map((s) => (
              <Table.Tr key={s.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/surveys/${s.id}`}>
                    {s.title}
                  </Anchor>{' '}
                  {s.status === 'archived' ? <Badge color="gray">Archived</Badge> : null}
                </Table.Td>
                <Table.Td>{s.version}</Table.Td>
                <Table.Td>{s.questions}</Table.Td>
                <Table.Td>{s.attachments}</Table.Td>
                <Table.Td>{s.responses}</Table.Td>
                <Table.Td>{formatDateTime(s.updatedAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </>
  )
}

/** A new survey: pick a template (or blank), then build. */
export function NewSurveyPage() {
  const { organisation } = useCurrentOrganisation()
  const templates = useSurveyTemplates(organisation.slug)
  const [template, setTemplate] = useState<string | null>(null)
  const save = useSaveSurvey(organisation.slug, null)
  const navigate = useNavigate()
  const chosen = templates.data?.templates.find((t) => t.key === template)
  return (
    <>
      <PageTitle description="Start from one of Rounds' templates, written in plain words, or from a blank survey.">
        New survey
      </PageTitle>
      <Stack gap="lg">
        <Select
          label="Start from"
          maw={420}
          placeholder="A blank survey"
          clearable
          value={template}
          onChange={setTemplate}
          data={(templates.data?.templates ?? []).map((t) => ({ value: t.key, label: t.name }))}
          description={chosen?.description}
        />
        <SurveyBuilder
          key={template ?? 'blank'}
          initial={chosen ? structuredClone(chosen.content) : emptySurvey}
          saving={save.isPending}
          error={save.isError ? errorMessage(save.error) : null}
          saveLabel="Create survey"
          onSave={(content) =>
            save.mutate(content, { onSuccess: (created) => navigate(`/surveys/${created.id}`) })
          }
        />
      </Stack>
    </>
  )
}

/** One survey: build (a new version once answered), attach, results and CSV. */
export function SurveyPage() {
  const { organisation } = useCurrentOrganisation()
  const { surveyId = '' } = useParams()
  const survey = useSurvey(organisation.slug, surveyId)
  if (survey.isPending) return <PageLoader />
  if (survey.isError) return <ErrorState error={survey.error} onRetry={() => survey.refetch()} />
  return <SurveyBody slug={organisation.slug} survey={survey.data} />
}

/** A researcher's view of one survey: its results and CSV, nothing to change. */
function SurveyResultsOnly({ slug, survey }: { slug: string; survey: SurveyDetail }) {
  const total = survey.versions.reduce((a, v) => a + v.responses, 0)
  return (
    <>
      <PageTitle
        description={`Version ${survey.version}${survey.status === 'archived' ? ' · archived' : ''} · ${total} ${total === 1 ? 'response' : 'responses'}`}
      >
        {survey.title}
      </PageTitle>
      <Results slug={slug} survey={survey} />
    </>
  )
}

function SurveyBody({ slug, survey }: { slug: string; survey: SurveyDetail }) {
  const { can } = useCurrentOrganisation()
  if (!can('analytics.manage')) return <SurveyResultsOnly slug={slug} survey={survey} />
  return <SurveyEditor slug={slug} survey={survey} />
}

function SurveyEditor({ slug, survey }: { slug: string; survey: SurveyDetail }) {
  const save = useSaveSurvey(slug, survey.id)
  const archive = useArchiveSurvey(slug, survey.id)
  const remove = useDeleteSurvey(slug, survey.id)
  const navigate = useNavigate()
  const answered = survey.versions.find((v) => v.version === survey.version)?.responses ?? 0
  const total = survey.versions.reduce((a, v) => a + v.responses, 0)
  const [tab, setTab] = useState<string | null>(total > 0 ? 'results' : 'build')
  return (
    <>
      <PageTitle
        description={`Version ${survey.version}${survey.status === 'archived' ? ' · archived' : ''} · ${total} ${total === 1 ? 'response' : 'responses'}`}
        actions={
          <Group gap="xs">
            {survey.status === 'active' ? (
              <Button variant="default" loading={archive.isPending} onClick={() => archive.mutate()}>
                Archive
              </Button>
            ) : null}
            {total === 0 ? (
              <Button
                variant="default"
                color="red"
                loading={remove.isPending}
                onClick={() => remove.mutate(undefined, { onSuccess: () => navigate('/surveys') })}
              >
                Delete
              </Button>
            ) : null}
          </Group>
        }
      >
        {survey.title}
      </PageTitle>
      {archive.isError || remove.isError ? (
        <Alert color="red" role="alert" mb="md">
          {errorMessage(archive.error ?? remove.error)}
        </Alert>
      ) : null}
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="build">Questions</Tabs.Tab>
          <Tabs.Tab value="attach">Where it is shown</Tabs.Tab>
          <Tabs.Tab value="results">Results</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="build">
          {survey.status === 'archived' ? (
            <Alert color="gray">This survey is archived: it is no longer shown and cannot be changed.</Alert>
          ) : (
            <SurveyBuilder
              key={`${survey.id}:${survey.version}:${survey.updatedAt}`}
              initial={{
                title: survey.title,
                introduction: survey.introduction,
                questions: survey.questions,
              }}
              saving={save.isPending}
              error={save.isError ? errorMessage(save.error) : null}
              saveLabel="Save"
              note={
                answered > 0
                  ? `Learners have answered version ${survey.version}: saving creates version ${survey.version + 1}; earlier responses keep theirs.`
                  : undefined
              }
              onSave={(content) => save.mutate(content)}
            />
          )}
        </Tabs.Panel>
        <Tabs.Panel value="attach">
          <Attachments slug={slug} survey={survey} />
        </Tabs.Panel>
        <Tabs.Panel value="results">
          <Results slug={slug} survey={survey} />
        </Tabs.Panel>
      </Tabs>
    </>
  )
}

function Attachments({ slug, survey }: { slug: string; survey: SurveyDetail }) {
  const items = useItems(slug)
  const series = useSeriesList(slug)
  const attach = useAttachSurvey(slug, survey.id)
  const detach = useDetachSurvey(slug, survey.id)
  const [target, setTarget] = useState<string | null>(null)
  const [timing, setTiming] = useState<Timing>('after_content')
  const published = (items.data?.items ?? []).filter(
    (i) => i.state === 'published' || i.state === 'corrected',
  )
  const options = [
    { group: 'Items', items: published.map((i) => ({ value: `item:${i.id}`, label: i.title })) },
    {
      group: 'Series (every item in it)',
      items: (series.data?.series ?? []).map((s) => ({ value: `series:${s.id}`, label: s.title })),
    },
  ]
  const submit = () => {
    if (!target) return
    const [kind, id] = target.split(':') as [string, string]
    attach.mutate(kind === 'item' ? { itemId: id, timing } : { seriesId: id, timing }, {
      onSuccess: () => setTarget(null),
    })
  }
  return (
    <Stack gap="lg">
      {survey.status === 'active' ? (
        <Card withBorder>
          <Stack gap="sm">
            <Title order={2} fz="h4">
              Attach
            </Title>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <Select
                label="Item or series"
                searchable
                placeholder="Choose a published item or a series"
                value={target}
                onChange={setTarget}
                data={options}
              />
              <Select
                label="When it is shown"
                value={timing}
                onChange={(v) => setTiming((v as Timing) ?? 'after_content')}
                data={Object.entries(timingLabels).map(([value, label]) => ({ value, label }))}
                allowDeselect={false}
              />
            </SimpleGrid>
            {attach.isError ? (
              <Alert color="red" role="alert">
                {errorMessage(attach.error)}
              </Alert>
            ) : null}
            <Group>
              <Button onClick={submit} disabled={!target} loading={attach.isPending}>
                Attach survey
              </Button>
            </Group>
          </Stack>
        </Card>
      ) : null}
      {survey.attachments.length === 0 ? (
        <Text c="dimmed">Not shown anywhere yet.</Text>
      ) : (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Shown with</Table.Th>
              <Table.Th>When</Table.Th>
              <Table.Th>Responses</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {survey.attachments.map((a) => (
              <Table.Tr key={a.id}>
                <Table.Td>
                  {a.targetTitle} <Badge variant="light">{a.itemId ? 'Item' : 'Series'}</Badge>
                </Table.Td>
                <Table.Td>{timingLabels[a.timing]}</Table.Td>
                <Table.Td>{a.responses}</Table.Td>
                <Table.Td>
                  {a.responses === 0 ? (
                    <Button
                      size="compact-sm"
                      variant="subtle"
                      color="red"
                      onClick={() => detach.mutate(a.id)}
                    >
                      Remove
                    </Button>
                  ) : null}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {detach.isError ? (
        <Alert color="red" role="alert">
          {errorMessage(detach.error)}
        </Alert>
      ) : null}
    </Stack>
  )
}

const fmt = (x: number | null) => (x === null ? '–' : x.toFixed(2))

const ALL = 'all'

/** "Sepsis in sixty seconds · After the content", a series named as such. */
function attachmentLabel(a: SurveyResultsAttachment): string {
  const target = a.seriesId ? `Series “${a.targetTitle}”` : a.targetTitle || 'Untitled item'
  return `${target} · ${timingLabels[a.timing]}`
}

function Results({ slug, survey }: { slug: string; survey: SurveyDetail }) {
  const [version, setVersion] = useState<number | null>(null)
  const [chosen, setChosen] = useState<string | null>(null)
  // An attachment removed meanwhile (only one nobody answered can be) falls back to all of them.
  const attachment = chosen && survey.attachments.some((a) => a.id === chosen) ? chosen : null
  const results = useSurveyResults(slug, survey.id, version, attachment)
  const attachments = results.data?.attachments ?? []
  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <Group align="flex-end">
          <Select
            label="Version"
            w={200}
            value={String(version ?? survey.version)}
            onChange={(v) => setVersion(v ? Number(v) : null)}
            allowDeselect={false}
            data={survey.versions.map((v) => ({
              value: String(v.version),
              label: `Version ${v.version} (${v.responses})`,
            }))}
          />
          <Select
            label="Attachment"
            description="Compare the items or series the survey is shown with"
            w={380}
            value={attachment ?? ALL}
            onChange={(v) => setChosen(v && v !== ALL ? v : null)}
            allowDeselect={false}
            disabled={attachments.length < 2 && attachment === null}
            data={[
              { value: ALL, label: 'All attachments' },
              ...attachments.map((a) => ({
                value: a.id,
                label: `${attachmentLabel(a)}${a.active ? '' : ' · no longer shown'} (${a.responses})`,
              })),
            ]}
          />
        </Group>
        <Button component="a" href={csvUrl(slug, survey.id)} download variant="light">
          Download CSV
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        The CSV holds every response to every version, each with the attachment it came through. Learners
        appear under a code made for that download alone, so two downloads cannot be matched learner by
        learner.
      </Text>
      {results.isPending ? (
        <PageLoader />
      ) : results.isError ? (
        <ErrorState error={results.error} onRetry={() => results.refetch()} />
      ) : (
        <ResultsBody results={results.data} />
      )}
    </Stack>
  )
}

function ResultsBody({ results }: { results: SurveyResults }) {
  const through = results.attachments.find((a) => a.id === results.attachment)
  const responses = results.n === 1 ? 'response' : 'responses'
  return (
    <Stack gap="md">
      <Text fw={600} aria-live="polite">
        n = {results.n} {responses} to version {results.version}
        {through ? ` through ${attachmentLabel(through)}` : ''}
      </Text>
      {through && results.n < MIN_READABLE_RESPONSES ? (
        <Alert color="yellow" title="Too few responses to read">
          Only {results.n} {responses} to version {results.version} came through this attachment. With fewer
          than {MIN_READABLE_RESPONSES}, the bars, mean and median describe those few learners, not the item:
          compare attachments once each has at least {MIN_READABLE_RESPONSES}.
        </Alert>
      ) : null}
      {results.questions.map((q, i) => (
        <Card withBorder key={q.questionId} aria-label={`Results for question ${i + 1}`}>
          <Stack gap="xs">
            <Text fw={600}>
              {i + 1}. {q.stem}
            </Text>
            <Text size="sm" c="dimmed">
              n = {q.n}
              {q.kind === 'likert' ? ` · mean ${fmt(q.mean)} · median ${fmt(q.median)}` : ''}
            </Text>
            {q.counts.length ? (
              <ResponsiveContainer width="100%" height={Math.max(160, q.counts.length * 34)}>
                <BarChart
                  data={q.counts}
                  layout="vertical"
                  margin={{ top: 4, right: 32, bottom: 4, left: 8 }}
                >
                  <CartesianGrid strokeDasharray="3 3" horizontal={false} />
                  <XAxis type="number" allowDecimals={false} />
                  <YAxis type="category" dataKey="label" width={190} tick={{ fontSize: 12 }} />
                  <Tooltip />
                  <Bar dataKey="n" name="Responses" fill="#1c7ed6" isAnimationActive={false}>
                    <LabelList dataKey="n" position="right" />
                  </Bar>
                </BarChart>
              </ResponsiveContainer>
            ) : null}
            {q.texts.length ? (
              <Stack gap={4}>
                <Text size="sm" fw={500}>
                  {q.kind === 'text' ? 'Latest answers (screened)' : '“Other” answers (screened)'}
                </Text>
                {q.texts.map((t, k) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: answers may repeat; order is fixed
                  <Text key={k} size="sm" className="survey-text-answer">
                    {t}
                  </Text>
                ))}
              </Stack>
            ) : null}
          </Stack>
        </Card>
      ))}
    </Stack>
  )
}
