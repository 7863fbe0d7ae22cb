import { resolve } from 'node:path'
import { defineConfig } from 'vite'

// Two pages: the dashboard (index.html) and the private chat (chat.html, served at
// /chat/{token} and /chats/{id}). Relative asset paths; chat.html sets <base href="/">.
export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    rollupOptions: {
      input: { main: resolve(import.meta.dirname, 'index.html'), chat: resolve(import.meta.dirname, 'chat.html') },
    },
  },
})
