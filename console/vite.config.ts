import preact from '@preact/preset-vite';
import { defineConfig } from 'vitest/config';

// The server serves the built app at `/` from server/console/ (index.html, assets/),
// with a strict Content-Security-Policy: nothing inline, nothing from elsewhere.
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

export default defineConfig({
  base: '/',
  plugins: [preact({ prerender: { enabled: false } })],
  build: {
    outDir: '../server/console',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: false,
    // Keep every asset a file: data: URLs for fonts or scripts would need a looser CSP.
    assetsInlineLimit: 0,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      '/graphql': { target: 'http://127.0.0.1:8000', ws: true },
    },
  },
  // `vite preview` serves the build with the same Content-Security-Policy as the server.
  preview: {
    host: '127.0.0.1',
    port: 4173,
    headers: { 'Content-Security-Policy': CSP },
    proxy: {
      '/graphql': { target: 'http://127.0.0.1:8000', ws: true },
    },
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
    setupFiles: ['src/test-setup.ts'],
  },
});
