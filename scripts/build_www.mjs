// Bundles the playground's third-party modules into www/vendor/ with esbuild, from node_modules
// (installed by `npm ci`): CodeMirror 6 (editors), dagre (graph layout) and lz-string (URL
// sharing). Each becomes one ES module that the page imports by relative path, so the page needs
// no CDN and works offline. The page's own modules (www/js/) are served as written.
//   node scripts/build_www.mjs        (scripts/play.sh and `scripts/build.sh web` run it)
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'www', 'vendor');

// One bundle per library: what the page imports, re-exported from the npm packages. CodeMirror's
// packages go in one bundle so that they share a single copy of @codemirror/state.
const BUNDLES = {
  'codemirror.js': `
    export { basicSetup } from 'codemirror';
    export { EditorView, keymap, Decoration } from '@codemirror/view';
    export { EditorState, Compartment, StateEffect, StateField } from '@codemirror/state';
    export { json } from '@codemirror/lang-json';
    export { linter, lintGutter, forceLinting } from '@codemirror/lint';
  `,
  'dagre.js': `export { layout, graphlib } from '@dagrejs/dagre';`,
  'lz-string.js': `
    import LZString from 'lz-string';
    export const { compressToEncodedURIComponent, decompressFromEncodedURIComponent } = LZString;
  `,
};

mkdirSync(out, { recursive: true });
const started = Date.now();
for (const [file, contents] of Object.entries(BUNDLES)) {
  await build({
    stdin: { contents, resolveDir: root, loader: 'js' },
    bundle: true,
    format: 'esm',
    minify: true,
    target: 'es2022',
    legalComments: 'eof',
    outfile: join(out, file),
    logLevel: 'warning',
  });
}
console.log(`build www: ${Object.keys(BUNDLES).map((f) => `www/vendor/${f}`).join(', ')} in ${Date.now() - started} ms`);
