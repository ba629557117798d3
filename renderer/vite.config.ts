// Builds the studio UI into dist/renderer (served by `octet serve` and loaded by the Electron app).
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const here = import.meta.dirname;

export default defineConfig({
  root: here,
  // Relative asset URLs: the same build loads from http:// (octet serve) and app:// (Electron).
  base: './',
  plugins: [svelte({ configFile: false })],
  server: { fs: { allow: [`${here}/..`] } },
  build: {
    outDir: `${here}/../dist/renderer`,
    emptyOutDir: true,
    target: 'es2022',
    // Everything is local: no inline scripts or styles, so the strict CSP holds.
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1024,
  },
});
