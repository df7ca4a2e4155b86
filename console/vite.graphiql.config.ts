import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

// GraphiQL, built on its own: `vite build --config vite.graphiql.config.ts` writes
// ../server/console/graphiql/ (graphiql.html, assets/), which the server answers at /graphql to a
// browser when GraphiQL is on. A build of its own because GraphiQL needs real React: the console's
// @preact/preset-vite aliases `react` to preact/compat for the whole build it is in.
//
// The page's Content-Security-Policy (server/console_routes.py sends the same). Monaco, GraphiQL 5's
// editor, writes <style> elements and style="" attributes at run time (theme colours, line layout)
// and has no nonce hook, so styles need 'unsafe-inline' here; scripts never do. Monaco's workers are
// files of this build, so 'self' covers them: no blob: workers.
export const GRAPHIQL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
  "worker-src 'self'",
].join('; ');

const DATA_FONT = /url\((["']?)data:(?:font\/|application\/(?:x-)?font-)([a-z0-9.+-]+);base64,([A-Za-z0-9+/=]+)\1\)/g;
const FONT_TYPES: Record<string, string> = { ttf: 'ttf', truetype: 'ttf', woff: 'woff', woff2: 'woff2', otf: 'otf' };

/**
 * GraphiQL's stylesheet carries its fonts (Monaco's codicons among them) as data: URLs, which a
 * `font-src 'self'` refuses. Write each as a content-hashed file beside the CSS and point the CSS at it.
 */
function fontsAsFiles(): Plugin {
  return {
    name: 'order-import:fonts-as-files',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const asset of Object.values(bundle)) {
        if (asset.type !== 'asset' || !asset.fileName.endsWith('.css')) continue;
        const css = typeof asset.source === 'string' ? asset.source : new TextDecoder().decode(asset.source);
        asset.source = css.replace(DATA_FONT, (_match, _quote, type: string, base64: string) => {
          const bytes = Buffer.from(base64, 'base64');
          const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 10);
          const fileName = `assets/font-${hash}.${FONT_TYPES[type] ?? type}`;
          if (!(fileName in bundle)) this.emitFile({ type: 'asset', fileName, source: bytes });
          return `url(/graphiql/${fileName})`;
        });
      }
    },
  };
}

export default defineConfig({
  base: '/graphiql/',
  plugins: [fontsAsFiles()],
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  worker: { format: 'es' },
  build: {
    outDir: '../server/console/graphiql',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: false,
    // Keep every asset a file: data: URLs for fonts or scripts would need a looser CSP.
    assetsInlineLimit: 0,
    // Monaco (the editor) and its language workers are large; they load once and are cached for good.
    chunkSizeWarningLimit: 5000,
    rolldownOptions: {
      input: { graphiql: fileURLToPath(new URL('./graphiql.html', import.meta.url)) },
      onwarn(warning, warn) {
        // React's "use client" / "use no memo" markers (framer-motion, GraphiQL) mean nothing in a bundle
        // that only ever runs in the browser; every other warning is shown.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE' && /"use (client|no memo)"/.test(warning.message)) return;
        warn(warning);
      },
    },
  },
  // `vite preview --config vite.graphiql.config.ts` serves the build (at /graphiql/graphiql.html) with
  // the page's policy; start the API with `order-import demo --port 8000` beside it.
  preview: {
    host: '127.0.0.1',
    port: 4174,
    headers: { 'Content-Security-Policy': GRAPHIQL_CSP },
    proxy: {
      '/graphql': { target: 'http://127.0.0.1:8000', ws: true },
    },
  },
});
