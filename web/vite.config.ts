import react from '@vitejs/plugin-react'
import postcssPresetMantine from 'postcss-preset-mantine'
import { defineConfig, loadEnv } from 'vite'

// The folder this file is in (web/), whichever directory Vite is started from.
const root = decodeURIComponent(new URL('.', import.meta.url).pathname)

export default defineConfig(({ mode }) => {
  // ROUNDS_API_URL points the dev server's /api proxy at another server (default: localhost:3000).
  const env = loadEnv(mode, root, 'ROUNDS_')
  const proxy = {
    '/api': { target: env.ROUNDS_API_URL || 'http://localhost:3000', changeOrigin: false },
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
