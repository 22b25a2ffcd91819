// Development mode: the API server restarting on change, and Vite serving the web UI with
// hot reload on http://localhost:5173 (it proxies /api to the server on PORT, default 3000).
import { spawn } from 'node:child_process'

const children = [
  spawn(process.execPath, ['--watch-path=src', 'bin/rounds.js', 'serve'], { stdio: 'inherit' }),
  spawn(process.execPath, ['node_modules/vite/bin/vite.js', '--config', 'web/vite.config.ts'], {
    stdio: 'inherit',
  }),
]
const stop = () => {
  for (const c of children) c.kill('SIGTERM')
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
for (const c of children) c.on('exit', (code) => code && stop())
