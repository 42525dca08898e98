// Fixed output names (no content hashes): the C++ build embeds exactly dist/index.html,
// dist/assets/app.js and dist/assets/app.css (tools/server/CMakeLists.txt lists them).
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 600,
    cssCodeSplit: false,
    modulePreload: { polyfill: false },
    rollupOptions: {
      output: {
        entryFileNames: 'assets/app.js',
        chunkFileNames: 'assets/app.js',
        assetFileNames: 'assets/app[extname]',
        inlineDynamicImports: true,
      },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
