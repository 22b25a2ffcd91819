import {
  Alert,
  Anchor,
  Badge,
  Box,
  Button,
  Card,
  Checkbox,
  FileButton,
  Group,
  List,
  Progress,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { type RefObject, useRef, useState } from 'react'
import { errorMessage } from '../api/client.ts'
import type { Item } from '../api/content.ts'
import type { Finding } from '../api/types.ts'
import { excerpt, severityLabels } from '../screening/findings.ts'
import {
  fileUrl,
  frameUrl,
  kindOf,
  type Upload,
  type UploadProgress,
  uploadFile,
  useAltText,
  useDeleteUpload,
  useMediaChanged,
  useRecordConsent,
  useRedact,
  useUploads,
} from './api.ts'

/**
 * The item's media: upload with a progress bar, screening progress, what was found (with
 * boxes drawn on the image or the video's frames), what metadata was removed, the sanitised
 * and redacted images side by side, one-click redaction, consent for faces. Read-only for
 * editors and reviewers.
 */

const ACCEPT =
  '.jpg,.jpeg,.png,.webp,.avif,.dcm,.mp4,.m4v,.mov,.webm,.srt,.vtt,image/*,video/*,application/dicom'

const statusLabels: Record<Upload['status'], { label: string; color: string }> = {
  receiving: { label: 'Uploading', color: 'gray' },
  quarantined: { label: 'Waiting for screening', color: 'gray' },
  screening: { label: 'Screening', color: 'blue' },
  ready: { label: 'Screened', color: 'teal' },
  rejected: { label: 'Refused', color: 'red' },
}

const kindLabels: Record<Upload['kind'], string> = {
  image: 'Image',
  dicom: 'DICOM scan',
  video: 'Video',
  captions: 'Captions',
}

function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GB`
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`
  if (n >= 1024) return `${Math.round(n / 1024)} kB`
  return `${n} bytes`
}

const findingLabel = (f: Finding) =>
  f.category === 'photo' ? 'Face' : f.text ? `“${excerpt(f.text, 60)}”` : f.category

/** An image with the findings' boxes drawn over it (boxes are in the image's own pixels). */
function BoxedImage({
  src,
  alt,
  width,
  height,
  findings,
  scale = 1,
  testId,
}: {
  src: string
  alt: string
  width: number
  height: number
  findings: Finding[]
  scale?: number
  testId?: string
}) {
  return (
    <Box pos="relative" style={{ lineHeight: 0 }} data-testid={testId}>
      <img src={src} alt={alt} style={{ width: '100%', height: 'auto', display: 'block', borderRadius: 4 }} />
      <svg
        viewBox={`0 0 ${width} ${height}`}
        preserveAspectRatio="none"
        style={{ position: 'absolute', inset: 0, width: '100%', height: '100%', pointerEvents: 'none' }}
        aria-hidden="true"
      >
        {findings.map((f, i) =>
          f.box ? (
            <rect
              // biome-ignore lint/suspicious/noArrayIndexKey: boxes have no identity beyond their place
              key={i}
              data-testid="finding-box"
              x={f.box.x * scale}
              y={f.box.y * scale}
              width={f.box.width * scale}
              height={f.box.height * scale}
              fill="none"
              stroke={f.severity === 'block' ? '#e03131' : f.severity === 'warn' ? '#f08c00' : '#1c7ed6'}
              strokeWidth={Math.max(2, width / 300)}
            />
          ) : null,
        )}
      </svg>
    </Box>
  )
}

/** For a redacted video: the times a finding is covered, e.g. " 0.0–4.0 s". */
function spansOf(upload: Upload, index: number): string {
  const spans =
    upload.redaction?.status === 'done' ? upload.redaction.spans.filter((s) => s.finding === index) : []
  return spans.length ? ` ${spans.map((s) => `${s.start.toFixed(1)}–${s.end.toFixed(1)} s`).join(', ')}` : ''
}

function FindingsOfUpload({
  upload,
  selected,
  onSelect,
  onSeek,
}: {
  upload: Upload
  /** For a video the author redacts: which findings are chosen. */
  selected?: ReadonlySet<number> | undefined
  onSelect?: ((index: number, on: boolean) => void) | undefined
  /** For a video: moves the players to a finding's time. */
  onSeek?: ((time: number) => void) | undefined
}) {
  if (upload.findings.length === 0)
    return (
      <Text size="sm" c="dimmed">
        Nothing found in the file.
      </Text>
    )
  const redacted = new Set(upload.derivatives.find((d) => d.name === 'redacted')?.covers ?? [])
  return (
    <Stack
      gap={6}
      component="ul"
      aria-label="Findings in the file"
      data-testid="media-findings"
      style={{ listStyle: 'none', padding: 0, margin: 0 }}
    >
      {upload.findings.map((f, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a finding's index is its identity in the upload
        <Group key={i} component="li" gap="xs" wrap="nowrap" align="flex-start">
          {selected && onSelect && f.box ? (
            <Checkbox
              size="xs"
              mt={3}
              aria-label={`Redact ${findingLabel(f)}${f.time !== undefined ? ` at ${f.time.toFixed(1)} s` : ''}`}
              checked={selected.has(i)}
              onChange={(e) => onSelect(i, e.currentTarget.checked)}
            />
          ) : null}
          <Badge size="sm" color={severityLabels[f.severity].color} variant="light" style={{ flex: 'none' }}>
            {severityLabels[f.severity].badge}
          </Badge>
          <Text size="sm">
            <Text span size="sm" fw={600}>
              {findingLabel(f)}
            </Text>{' '}
            {f.message}
            {f.time !== undefined && onSeek ? (
              <Button
                size="compact-xs"
                variant="subtle"
                ml={4}
                onClick={() => onSeek(f.time as number)}
                aria-label={`Show ${findingLabel(f)} at ${f.time.toFixed(1)} s`}
              >
                at {f.time.toFixed(1)} s
              </Button>
            ) : f.time !== undefined ? (
              <Text span size="xs" c="dimmed">
                {' '}
                at {f.time.toFixed(1)} s
              </Text>
            ) : null}
            {f.category === 'photo' && upload.consented ? (
              <Badge size="xs" color="teal" ml={6}>
                consent on record
              </Badge>
            ) : null}
            {redacted.has(i) ? (
              <Badge size="xs" color="teal" ml={6}>
                redacted
                {spansOf(upload, i)}
              </Badge>
            ) : null}
          </Text>
        </Group>
      ))}
    </Stack>
  )
}

/** A video player for a derivative, which the findings list and frame strip can seek. */
function VideoPlayer({
  src,
  label,
  videoRef,
  testId,
}: {
  src: string
  label: string
  videoRef: RefObject<HTMLVideoElement | null>
  testId: string
}) {
  return (
    // biome-ignore lint/a11y/useMediaCaption: the item's captions are edited beside it, not attached to this preview
    <video
      ref={videoRef}
      controls
      preload="metadata"
      src={src}
      aria-label={label}
      data-testid={testId}
      style={{ width: '100%', maxHeight: 360, borderRadius: 4, background: '#000' }}
    />
  )
}

/** The state of a video's redaction job: progress while it runs, what the OCR check found. */
function VideoRedactionStatus({ upload }: { upload: Upload }) {
  const r = upload.redaction
  if (!r) return null
  if (r.status === 'queued' || r.status === 'working')
    return (
      <Stack gap={4} data-testid="redaction-progress">
        <Progress value={r.progress} animated aria-label="Redaction progress" />
        <Text size="xs" c="dimmed" role="status">
          Redacting: {r.stage} · {r.progress}%
        </Text>
      </Stack>
    )
  if (r.status === 'failed')
    return (
      <Alert color="red" variant="light" title="The redaction failed" role="alert">
        <Text size="sm">{r.error?.message}</Text>
      </Alert>
    )
  const still = r.check?.stillReadable ?? []
  return still.length > 0 ? (
    <Alert color="orange" variant="light" title="Still readable in the redacted copy" role="alert">
      <List size="sm" spacing={2}>
        {still.map((s) => (
          <List.Item key={s.finding}>
            {s.text ? `“${excerpt(s.text, 60)}”` : 'A face'} at {s.time.toFixed(1)} s
          </List.Item>
        ))}
      </List>
      <Text size="xs" c="dimmed">
        These findings are not covered and still block. Redact again, or trim the video.
      </Text>
    </Alert>
  ) : (
    <Text size="xs" c="dimmed" data-testid="redaction-check">
      Checked: OCR read {r.check?.framesRead ?? 0} frames of the redacted copy where it was redacted and found
      none of the text{r.spans.some((sp) => sp.mode === 'blur') ? ', and no face was detected' : ''}.
    </Text>
  )
}

function ConsentForm({ item, upload }: { item: Item; upload: Upload }) {
  const consent = useRecordConsent(item.organisation.slug, item)
  const [who, setWho] = useState('')
  const [scope, setScope] = useState('Use of this image in teaching posts')
  const [date, setDate] = useState(() => new Date().toISOString().slice(0, 10))
  return (
    <Stack gap={6}>
      <Text size="sm" fw={600}>
        Record the patient’s consent to this file
      </Text>
      <Group gap="xs" align="flex-end" wrap="wrap">
        <TextInput
          label="Consent given by"
          value={who}
          onChange={(e) => setWho(e.currentTarget.value)}
          size="xs"
        />
        <TextInput label="Scope" value={scope} onChange={(e) => setScope(e.currentTarget.value)} size="xs" />
        <TextInput
          label="Date"
          type="date"
          value={date}
          onChange={(e) => setDate(e.currentTarget.value)}
          size="xs"
        />
        <Button
          size="xs"
          variant="default"
          loading={consent.isPending}
          disabled={who.trim().length < 2 || scope.trim().length < 2}
          onClick={() =>
            consent.mutate(
              { consentedBy: who.trim(), scope: scope.trim(), date, fileId: upload.id },
              {
                onSuccess: () =>
                  notifications.show({ color: 'teal', message: 'Consent recorded for this file.' }),
                onError: (e) => notifications.show({ color: 'red', message: errorMessage(e) }),
              },
            )
          }
        >
          Record consent
        </Button>
      </Group>
    </Stack>
  )
}

function AltTextForm({ item, upload }: { item: Item; upload: Upload }) {
  const slot = item.fields.media.find((m) => m.id === upload.id)
  const save = useAltText(item.organisation.slug, item)
  const [text, setText] = useState(slot?.altText ?? '')
  if (!slot) return null
  return (
    <Group gap="xs" align="flex-end">
      <TextInput
        label="Alt text"
        description="What the image shows and why it matters (no identifiers)"
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        style={{ flex: 1 }}
        size="xs"
      />
      <Button
        size="xs"
        variant="default"
        loading={save.isPending}
        disabled={text === (slot.altText ?? '')}
        onClick={() =>
          save.mutate(
            { uploadId: upload.id, altText: text },
            { onError: (e) => notifications.show({ color: 'red', message: errorMessage(e) }) },
          )
        }
      >
        Save alt text
      </Button>
    </Group>
  )
}

/**
 * One upload: its status, findings and files. With `item` (its author, while editable):
 * redaction, consent, alt text and removal.
 */
export function UploadCard({
  slug,
  itemId,
  upload,
  item,
}: {
  slug: string
  itemId: string
  upload: Upload
  item?: Item | undefined
}) {
  const editable = item !== undefined
  const redact = useRedact(slug, itemId, upload.id)
  const original = useRef<HTMLVideoElement | null>(null)
  const redactedPlayer = useRef<HTMLVideoElement | null>(null)
  const regions = upload.findings.flatMap((f, i) => (f.box && f.severity !== 'info' ? [i] : []))
  const [chosen, setChosen] = useState<ReadonlySet<number> | null>(null)
  const selected = chosen ?? new Set(regions)
  const seek = (time: number) => {
    for (const v of [original.current, redactedPlayer.current]) if (v) v.currentTime = time
  }
  const remove = useDeleteUpload(slug, itemId)
  const sanitised = upload.derivatives.find((d) => d.name === 'sanitised')
  const redacted = upload.derivatives.find((d) => d.name === 'redacted')
  const image = sanitised?.mime.startsWith('image/') ? sanitised : null
  const boxed = upload.findings.filter((f) => f.box && f.severity !== 'info')
  const faces = upload.findings.some((f) => f.category === 'photo')
  const status = statusLabels[upload.status]
  // Changes the image URL after a new redaction so the browser does not show the old one.
  const version = encodeURIComponent(upload.updatedAt)
  return (
    <Card withBorder radius="sm" padding="sm" data-testid="upload-card">
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
            <Badge color={status.color} variant="light" data-testid="upload-status">
              {status.label}
            </Badge>
            <Text size="sm" fw={600} truncate>
              {upload.filename}
            </Text>
            <Text size="xs" c="dimmed">
              {kindLabels[upload.kind]} · {formatBytes(upload.size)}
              {upload.width && upload.height ? ` · ${upload.width} × ${upload.height}` : ''}
              {upload.duration ? ` · ${upload.duration.toFixed(1)} s` : ''}
            </Text>
          </Group>
          {editable ? (
            <Button
              size="xs"
              variant="subtle"
              color="red"
              loading={remove.isPending}
              onClick={() => remove.mutate(upload.id)}
            >
              Remove
            </Button>
          ) : null}
        </Group>
        {upload.status === 'receiving' ? (
          <Stack gap={4}>
            <Progress value={(100 * upload.received) / upload.size} aria-label="Bytes received" />
            <Text size="xs" c="dimmed">
              {formatBytes(upload.received)} of {formatBytes(upload.size)} received.
              {editable ? ' Choose the same file again to carry on from there.' : ''}
            </Text>
          </Stack>
        ) : null}
        {upload.status === 'screening' || upload.status === 'quarantined' ? (
          <Stack gap={4}>
            <Progress value={upload.progress} animated aria-label="Screening progress" />
            <Text size="xs" c="dimmed" role="status">
              {upload.stage} · {upload.progress}%
            </Text>
          </Stack>
        ) : null}
        {upload.status === 'rejected' ? (
          <Alert color="red" variant="light" title="The file was refused" role="alert">
            <Text size="sm">{upload.error?.message}</Text>
            <Text size="xs" c="dimmed">
              Nothing of it was kept. Remove it from the item, or upload a readable copy.
            </Text>
          </Alert>
        ) : null}
        {upload.status === 'ready' && upload.kind === 'captions' ? (
          <Text size="sm">The captions were added to the item and are screened with its text.</Text>
        ) : null}
        {upload.status === 'ready' && upload.kind !== 'captions' ? (
          <>
            {upload.metadataRemoved.length > 0 ? (
              <Stack gap={4}>
                <Text size="sm" fw={600}>
                  Metadata removed
                </Text>
                <List size="sm" spacing={2} data-testid="metadata-removed">
                  {upload.metadataRemoved.map((m) => (
                    <List.Item key={m.description}>{m.description}</List.Item>
                  ))}
                </List>
              </Stack>
            ) : (
              <Text size="sm" c="dimmed">
                The file carried no metadata to remove.
              </Text>
            )}
            <Stack gap={4}>
              <Text size="sm" fw={600}>
                Found in the file
              </Text>
              <FindingsOfUpload
                upload={upload}
                selected={editable && upload.kind === 'video' ? selected : undefined}
                onSelect={(i, on) => {
                  const next = new Set(selected)
                  if (on) next.add(i)
                  else next.delete(i)
                  setChosen(next)
                }}
                onSeek={upload.kind === 'video' ? seek : undefined}
              />
            </Stack>
            {image?.width && image.height ? (
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
                <Stack gap={4}>
                  <Text size="xs" c="dimmed">
                    Metadata removed (what reviewers see), with findings
                  </Text>
                  <BoxedImage
                    src={`${fileUrl(slug, itemId, upload.id, 'sanitised')}?v=${version}`}
                    alt={`${upload.filename}, metadata removed, findings outlined`}
                    width={image.width}
                    height={image.height}
                    findings={upload.findings}
                    testId="sanitised-image"
                  />
                </Stack>
                <Stack gap={4}>
                  <Text size="xs" c="dimmed">
                    Redacted (what is published)
                  </Text>
                  {redacted ? (
                    <BoxedImage
                      src={`${fileUrl(slug, itemId, upload.id, 'redacted')}?v=${version}`}
                      alt={`${upload.filename}, redacted`}
                      width={image.width}
                      height={image.height}
                      findings={[]}
                      testId="redacted-image"
                    />
                  ) : (
                    <Text size="sm" c="dimmed">
                      Not redacted yet.
                    </Text>
                  )}
                </Stack>
              </SimpleGrid>
            ) : null}
            {upload.kind === 'dicom' ? (
              <Group gap="md" data-testid="scan-files">
                {upload.derivatives.some((d) => d.name === 'deidentified') ? (
                  <Anchor
                    size="sm"
                    href={fileUrl(slug, itemId, upload.id, 'deidentified')}
                    download={`${upload.filename.replace(/\.[^.]*$/, '')}.deidentified.dcm`}
                  >
                    De-identified DICOM
                  </Anchor>
                ) : null}
                {image ? (
                  <Anchor
                    size="sm"
                    href={fileUrl(slug, itemId, upload.id, 'sanitised')}
                    download={`${upload.filename.replace(/\.[^.]*$/, '')}.png`}
                  >
                    Rendered PNG
                  </Anchor>
                ) : null}
              </Group>
            ) : null}
            {upload.kind === 'video' && sanitised ? (
              <SimpleGrid cols={{ base: 1, sm: redacted ? 2 : 1 }} spacing="sm">
                <Stack gap={4}>
                  <Text size="xs" c="dimmed">
                    {redacted
                      ? 'Metadata removed (what reviewers see)'
                      : 'The video without its metadata (what is published)'}
                  </Text>
                  <VideoPlayer
                    src={fileUrl(slug, itemId, upload.id, 'sanitised')}
                    label={`${upload.filename}, metadata removed`}
                    videoRef={original}
                    testId="sanitised-video"
                  />
                </Stack>
                {redacted ? (
                  <Stack gap={4}>
                    <Text size="xs" c="dimmed">
                      Redacted (what is published)
                    </Text>
                    <VideoPlayer
                      src={`${fileUrl(slug, itemId, upload.id, 'redacted')}?v=${encodeURIComponent(upload.redaction?.finishedAt ?? version)}`}
                      label={`${upload.filename}, redacted`}
                      videoRef={redactedPlayer}
                      testId="redacted-video"
                    />
                  </Stack>
                ) : null}
              </SimpleGrid>
            ) : null}
            {upload.kind === 'video' ? <VideoRedactionStatus upload={upload} /> : null}
            {upload.kind === 'video' && upload.frames.length > 0 && upload.width ? (
              <Stack gap={4}>
                <Text size="xs" c="dimmed">
                  Frames (findings outlined at the moment they appear)
                </Text>
                <Group gap="xs" wrap="nowrap" style={{ overflowX: 'auto' }} data-testid="frame-strip">
                  {upload.frames.map((frame) => (
                    <Stack
                      key={frame.index}
                      gap={2}
                      style={{ flex: '0 0 160px', cursor: 'pointer' }}
                      onClick={() => seek(frame.time)}
                    >
                      <BoxedImage
                        src={frameUrl(slug, itemId, upload.id, frame.index)}
                        alt={`Frame at ${frame.time.toFixed(1)} s`}
                        width={frame.width}
                        height={frame.height}
                        scale={frame.width / (upload.width ?? frame.width)}
                        findings={upload.findings.filter(
                          (f) => f.time !== undefined && Math.abs(f.time - frame.time) < 0.05,
                        )}
                      />
                      <Text size="xs" c="dimmed" ta="center">
                        {frame.time.toFixed(1)} s
                      </Text>
                    </Stack>
                  ))}
                </Group>
              </Stack>
            ) : null}
            {editable ? (
              <Stack gap="xs">
                {image && boxed.length > 0 ? (
                  <Group gap="xs">
                    <Button
                      size="xs"
                      loading={redact.isPending}
                      onClick={() =>
                        redact.mutate(
                          {},
                          {
                            onSuccess: () =>
                              notifications.show({
                                color: 'teal',
                                message: 'Redacted: flagged text filled, faces blurred.',
                              }),
                            onError: (e) => notifications.show({ color: 'red', message: errorMessage(e) }),
                          },
                        )
                      }
                    >
                      {redacted ? 'Redact again' : 'Redact flagged regions'}
                    </Button>
                    <Text size="xs" c="dimmed">
                      Fills flagged text and blurs faces in a new copy; the findings it covers no longer
                      block.
                    </Text>
                  </Group>
                ) : null}
                {upload.kind === 'video' && sanitised && regions.length > 0 ? (
                  <Group gap="xs">
                    <Button
                      size="xs"
                      loading={redact.isPending}
                      disabled={
                        selected.size === 0 ||
                        upload.redaction?.status === 'queued' ||
                        upload.redaction?.status === 'working'
                      }
                      onClick={() =>
                        redact.mutate(
                          { findings: [...selected].sort((a, b) => a - b) },
                          { onError: (e) => notifications.show({ color: 'red', message: errorMessage(e) }) },
                        )
                      }
                    >
                      {redacted ? 'Redact the video again' : 'Redact the chosen regions'}
                    </Button>
                    <Text size="xs" c="dimmed">
                      Covers each chosen region for as long as it is on screen, in a new copy without
                      metadata; it can take minutes.
                    </Text>
                  </Group>
                ) : null}
                {item && faces && !upload.consented ? <ConsentForm item={item} upload={upload} /> : null}
                {item && upload.kind !== 'video' ? <AltTextForm item={item} upload={upload} /> : null}
              </Stack>
            ) : null}
          </>
        ) : null}
      </Stack>
    </Card>
  )
}

/** The media card on the item editor (uploads for the author; read-only otherwise). */
export function MediaPanel({ item, editable }: { item: Item; editable: boolean }) {
  const slug = item.organisation.slug
  const uploads = useUploads(slug, item.id)
  const changed = useMediaChanged(slug, item.id)
  const [sending, setSending] = useState<{ name: string; progress: UploadProgress } | null>(null)
  const [error, setError] = useState<string | null>(null)
  const abort = useRef<AbortController | null>(null)
  const resetRef = useRef<() => void>(null)

  const onFile = async (file: File | null) => {
    resetRef.current?.()
    if (!file) return
    setError(null)
    const kind = kindOf(file)
    if (!kind) {
      setError(`${file.name} is not a type Rounds accepts: images, DICOM scans, videos or SRT/VTT captions.`)
      return
    }
    abort.current = new AbortController()
    // The same file again after an interruption: resume the unfinished upload.
    const unfinished = uploads.data?.uploads.find(
      (u) => u.status === 'receiving' && u.filename === file.name && u.size === file.size,
    )
    setSending({ name: file.name, progress: { sent: unfinished?.received ?? 0, total: file.size } })
    try {
      await uploadFile(
        slug,
        item.id,
        file,
        kind,
        (progress) => setSending({ name: file.name, progress }),
        abort.current.signal,
        unfinished,
      )
    } catch (caught) {
      setError(errorMessage(caught))
    } finally {
      setSending(null)
      changed()
    }
  }

  const list = uploads.data?.uploads ?? []
  return (
    <Card withBorder radius="md" padding="md" component="section" aria-labelledby="media-heading">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h5" id="media-heading">
          Media
        </Title>
        {editable ? (
          <FileButton onChange={onFile} accept={ACCEPT} resetRef={resetRef}>
            {(props) => (
              <Button size="xs" variant="default" disabled={!!sending} {...props}>
                Upload a file
              </Button>
            )}
          </FileButton>
        ) : null}
      </Group>
      <Stack gap="sm">
        {editable ? (
          <Text size="xs" c="dimmed">
            Images, DICOM scans, videos and SRT/VTT captions. Files are screened before anyone else sees them;
            metadata (GPS, camera, dates) is removed from every copy Rounds makes.
          </Text>
        ) : null}
        {sending ? (
          <Stack gap={4} data-testid="upload-progress">
            <Text size="sm">Uploading {sending.name}…</Text>
            <Progress
              value={sending.progress.total ? (100 * sending.progress.sent) / sending.progress.total : 0}
              aria-label="Upload progress"
            />
            <Group justify="space-between">
              <Text size="xs" c="dimmed">
                {formatBytes(sending.progress.sent)} of {formatBytes(sending.progress.total)}
              </Text>
              <Button size="compact-xs" variant="subtle" onClick={() => abort.current?.abort()}>
                Cancel
              </Button>
            </Group>
          </Stack>
        ) : null}
        {error ? (
          <Alert
            color="red"
            variant="light"
            title="Upload refused"
            role="alert"
            withCloseButton
            onClose={() => setError(null)}
          >
            {error}
          </Alert>
        ) : null}
        {uploads.isError ? (
          <Text size="sm" c="red">
            {errorMessage(uploads.error)}
          </Text>
        ) : null}
        {list.length === 0 && !sending ? (
          <Text size="sm" c="dimmed">
            No files.
          </Text>
        ) : null}
        {list.map((u) => (
          <UploadCard key={u.id} slug={slug} itemId={item.id} upload={u} item={editable ? item : undefined} />
        ))}
      </Stack>
    </Card>
  )
}
