#!/usr/bin/env node
// Rounds runs its TypeScript directly on Node >= 22.12 (type stripping); no build step.
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(
    `Rounds needs Node.js >= 22.12 (this is ${process.versions.node}). Run \`. scripts/use-node.sh\` to get Node 24.\n`,
  )
  process.exit(2)
}
// A .env file in the working directory supplies settings not already in the environment.
const { existsSync } = await import('node:fs')
if (existsSync('.env')) process.loadEnvFile('.env')
const { runCli } = await import('../src/entry/cli.ts')
await runCli(process.argv)
