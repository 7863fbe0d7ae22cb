import { defineConfig } from 'vite'

// Relative asset paths: the built dashboard runs from any static host or sub-path.
export default defineConfig({
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
})
