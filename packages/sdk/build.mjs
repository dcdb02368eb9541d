// Builds the browser SDK into dist/: the ES module core and recorder, the script-tag (IIFE)
// core and recorder, and type declarations. Prints each bundle's gzip size at the end.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const rrwebVersion = '2.2.2';

/** Size targets, in gzip bytes. */
const targets = { core: 10 * 1024, recorder: 30 * 1024 };

/**
 * rrweb 2.2.2 ships one prebuilt file in which two copies of postcss (used only by the replayer)
 * are initialized at the top level, so a bundler cannot drop them from a record-only build.
 * This plugin marks those initializers as side-effect free, which lets esbuild drop them. It
 * fails the build when the code does not look as expected, for example after an rrweb upgrade.
 */
const rrwebTreeShaking = {
  name: 'rrweb-tree-shaking',
  setup(build) {
    build.onLoad({ filter: /[\\/]rrweb[\\/]dist[\\/]rrweb\.js$/ }, (args) => {
      let source = readFileSync(args.path, 'utf8');
      const counts = { accesses: 0, initializers: 0, defaults: 0 };
      source = source.replace(/^import_postcss[$\w]*\.default(\.\w+)?;\n/gm, () => {
        counts.accesses++;
        return '';
      });
      const initializer = /^(var import_postcss[$\w]* = \/\* @__PURE__ \*\/ __toESM[$\w]*\()\(/gm;
      source = source.replace(initializer, (_match, head) => {
        counts.initializers++;
        return `${head}/* @__PURE__ */ (`;
      });
      const postcssDefault = /^var postcss_default = (import_postcss[$\w]*)\.default;$/gm;
      source = source.replace(postcssDefault, (_match, name) => {
        counts.defaults++;
        return `var postcss_default = /* @__PURE__ */ (() => ${name}.default)();`;
      });
      if (counts.accesses === 0 || counts.initializers !== 2 || counts.defaults !== 1) {
        throw new Error(
          `rrweb-tree-shaking expected rrweb ${rrwebVersion}'s code shape; found ` +
            `${JSON.stringify(counts)}. Update the patterns in packages/sdk/build.mjs.`,
        );
      }
      return { contents: source, loader: 'js' };
    });
  },
};

/** In the ES module core, `import('./recorder.js')` stays a dynamic import of recorder.mjs. */
const recorderAsSibling = {
  name: 'recorder-as-sibling',
  setup(build) {
    build.onResolve({ filter: /^\.\/recorder\.js$/ }, () => ({
      path: './recorder.mjs',
      external: true,
    }));
  },
};

const common = {
  bundle: true,
  minify: true,
  sourcemap: 'linked',
  target: 'es2020',
  platform: 'browser',
  conditions: ['source'],
  define: { __REPRISE_VERSION__: JSON.stringify(version) },
  logLevel: 'warning',
};

const bundles = [
  {
    kind: 'core',
    entry: 'src/index.ts',
    out: 'reprise.mjs',
    format: 'esm',
    plugins: [recorderAsSibling],
  },
  {
    kind: 'recorder',
    entry: 'src/recorder.ts',
    out: 'recorder.mjs',
    format: 'esm',
    plugins: [rrwebTreeShaking],
  },
  { kind: 'core', entry: 'src/script.ts', out: 'reprise.js', format: 'iife', plugins: [] },
  {
    kind: 'recorder',
    entry: 'src/recorder-script.ts',
    out: 'reprise-recorder.js',
    format: 'iife',
    plugins: [rrwebTreeShaking],
  },
];

rmSync(dist, { recursive: true, force: true });

// The compression worker goes first: the recorders inline its code for `blob:` workers.
const workerFile = join(dist, 'compression-worker.js');
await esbuild.build({
  ...common,
  sourcemap: false,
  entryPoints: [join(root, 'src/compression-worker.ts')],
  outfile: workerFile,
  format: 'iife',
});
const workerSource = JSON.stringify(readFileSync(workerFile, 'utf8').trim());

await Promise.all(
  bundles.map((bundle) =>
    esbuild.build({
      ...common,
      define: { ...common.define, __REPRISE_COMPRESSION_WORKER__: workerSource },
      entryPoints: [join(root, bundle.entry)],
      outfile: join(dist, bundle.out),
      format: bundle.format,
      plugins: bundle.plugins,
    }),
  ),
);

execFileSync(
  process.execPath,
  [join(root, '../../node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')],
  {
    stdio: 'inherit',
  },
);

let overTarget = false;
for (const bundle of bundles) {
  const bytes = gzipSync(readFileSync(join(dist, bundle.out)), { level: 9 }).length;
  const target = targets[bundle.kind];
  const verdict = bytes <= target ? 'within' : 'OVER';
  if (bytes > target) overTarget = true;
  console.log(
    `${bundle.out.padEnd(22)} ${(bytes / 1024).toFixed(1).padStart(5)} KB gzip (${verdict} the ${target / 1024} KB ${bundle.kind} target)`,
  );
}
if (overTarget) console.log('NOTE: a bundle is over its size target.');
