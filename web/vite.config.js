import { resolve } from 'node:path'
import { defineConfig } from 'vite'

// Three pages: the dashboard (index.html), the private chat (chat.html, served at
// /chat/{token} and /chats/{id}) and the operator console (admin.html, at /admin).
// Relative asset paths; chat.html sets <base href="/">.
export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    rollupOptions: {
      input: {
        main: resolve(import.meta.dirname, 'index.html'),
        chat: resolve(import.meta.dirname, 'chat.html'),
        admin: resolve(import.meta.dirname, 'admin.html'),
      },
    },
  },
})
