/**
 * Build of the three Electron parts: main (src-main/electron/main.ts → out/main, ESM), the sandboxed
 * preload (src-main/electron/preload.ts → out/preload/index.cjs, CommonJS with everything bundled, as
 * a sandboxed preload cannot require modules), and the React renderer (src-renderer → out/renderer).
 * Builds without the Electron binary when ELECTRON_MAJOR_VER is set (the web host only needs the
 * renderer: `ELECTRON_MAJOR_VER=38 npx electron-vite build`).
 */
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      lib: { entry: resolve(root, 'src-main/electron/main.ts') },
      // package.json "main" points at out/main/index.js
      rolldownOptions: { output: { entryFileNames: 'index.js' } },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      externalizeDeps: false,
      lib: { entry: resolve(root, 'src-main/electron/preload.ts') },
      rolldownOptions: { output: { format: 'cjs', entryFileNames: 'index.cjs' } },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rolldownOptions: { input: resolve(root, 'src-renderer/index.html') },
    },
  },
});
