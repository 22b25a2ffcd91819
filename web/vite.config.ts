import react from '@vitejs/plugin-react'
import postcssPresetMantine from 'postcss-preset-mantine'
import { defineConfig, loadEnv, type ProxyOptions } from 'vite'

type ProxyServer = Parameters<NonNullable<ProxyOptions['configure']>>[0]

// The folder this file is in (web/), whichever directory Vite is started from.
const root = decodeURIComponent(new URL('.', import.meta.url).pathname)

export default defineConfig(({ mode }) => {
  // ROUNDS_API_URL points the dev server's /api proxy at another server (default: localhost:3000).
  const env = loadEnv(mode, root, 'ROUNDS_')
  const target = env.ROUNDS_API_URL || 'http://localhost:3000'
  const proxy = {
    '/api': {
      target,
      // better-auth accepts browser requests only from the server's own origin. In development
      // the page comes from Vite, so present proxied requests as coming from the server itself.
      configure: (server: ProxyServer) =>
        server.on('proxyReq', (request) => {
          if (request.getHeader('origin')) request.setHeader('origin', new URL(target).origin)
        }),
    },
  }
  return {
    root,
    plugins: [react()],
    css: { postcss: { plugins: [postcssPresetMantine()] } },
    build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1500 },
    server: { port: 5173, proxy },
    preview: { port: 4173, proxy },
  }
})
