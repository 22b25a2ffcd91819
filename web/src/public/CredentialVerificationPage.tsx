import {
  Alert,
  Anchor,
  Badge,
  Button,
  FileButton,
  Group,
  List,
  Stack,
  Table,
  Text,
  Textarea,
  Title,
} from '@mantine/core'
import { useState } from 'react'
import { Link } from 'react-router'
import { errorMessage } from '../api/client.ts'
import { useVerifyCredential } from '../api/standards.ts'
import type { CredentialVerification } from '../api/types.ts'
import { formatDate } from '../lib/format.ts'
import { PublicLayout } from './PublicLayout.tsx'

const signatureLabels: Record<CredentialVerification['signature'], string> = {
  valid: 'Signature valid',
  malformed: 'Not a signed credential',
  'unknown-key': 'Unknown signing key',
  'bad-signature': 'Signature does not match',
  inconsistent: 'Signed claims disagree',
}

/**
 * /credentials/verify — anyone may check an Open Badges credential file a holder gives them:
 * the issuing organisation's signature, then whether the certificate is still valid.
 */
export function CredentialVerificationPage() {
  const [text, setText] = useState('')
  const verify = useVerifyCredential()
  const result = verify.data

  async function readFile(file: File | null) {
    if (!file) return
    setText((await file.text()).trim())
    verify.reset()
  }

  return (
    <PublicLayout title="Check a credential">
      <Stack gap="md">
        <Title order={1} size="h2">
          Check a credential
        </Title>
        <Text size="sm" c="dimmed">
          Rounds certificates are also issued as Open Badges 3.0 credentials, signed by the organisation that
          issued them. Choose the holder’s <code>.jwt</code> file or paste its text to check the signature and
          whether the certificate is still valid.
        </Text>
        <form
          onSubmit={(event) => {
            event.preventDefault()
            if (text.trim()) verify.mutate(text.trim())
          }}
          aria-label="Check a credential"
        >
          <Stack gap="sm">
            <Textarea
              label="Credential"
              placeholder="eyJhbGciOiJFZERTQSIs…"
              autosize
              minRows={3}
              maxRows={8}
              value={text}
              onChange={(event) => {
                setText(event.currentTarget.value)
                verify.reset()
              }}
              styles={{
                input: { fontFamily: 'var(--mantine-font-family-monospace)', wordBreak: 'break-all' },
              }}
            />
            <Group justify="space-between">
              <FileButton
                onChange={(file) => void readFile(file)}
                accept=".jwt,application/vc+jwt,text/plain"
              >
                {(props) => (
                  <Button variant="default" {...props}>
                    Choose a file
                  </Button>
                )}
              </FileButton>
              <Button type="submit" disabled={!text.trim()} loading={verify.isPending}>
                Check
              </Button>
            </Group>
          </Stack>
        </form>
        {verify.isError ? (
          <Alert color="red" variant="light">
            {errorMessage(verify.error, 'Could not check the credential.')}
          </Alert>
        ) : null}
        {result ? <Result result={result} /> : null}
      </Stack>
    </PublicLayout>
  )
}

function Result({ result }: { result: CredentialVerification }) {
  const c = result.certificate
  return (
    <Stack gap="sm" role="status" aria-label="Result">
      <Group gap="xs">
        <Badge size="lg" variant="light" color={result.verified ? 'teal' : 'red'}>
          {result.verified ? 'Verified' : 'Not verified'}
        </Badge>
        <Badge variant="outline" color={result.signature === 'valid' ? 'teal' : 'red'}>
          {signatureLabels[result.signature]}
        </Badge>
      </Group>
      {result.problems.length ? (
        <List size="sm" spacing={4}>
          {result.problems.map((p) => (
            <List.Item key={p}>{p}</List.Item>
          ))}
        </List>
      ) : null}
      {c ? (
        <Table variant="vertical" layout="fixed" withTableBorder={false} aria-label="Credential details">
          <Table.Tbody>
            <Table.Tr>
              <Table.Th w={140}>Holder</Table.Th>
              <Table.Td>{c.holderName}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>Issued by</Table.Th>
              <Table.Td>{c.organisation.name}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>Issued</Table.Th>
              <Table.Td>{formatDate(c.issuedAt)}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{c.status === 'expired' ? 'Expired on' : 'Valid until'}</Table.Th>
              <Table.Td>{formatDate(c.expiresAt)}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>Certificate</Table.Th>
              <Table.Td style={{ wordBreak: 'break-all' }}>
                <Anchor component={Link} to={`/certificates/${encodeURIComponent(c.id)}`}>
                  {c.id}
                </Anchor>
              </Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
      ) : null}
    </Stack>
  )
}
