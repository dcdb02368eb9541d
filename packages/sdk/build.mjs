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
 * This marks those initializers as side-effect free, which lets esbuild drop them.
 */
function dropPostcss(source) {
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
      `The rrweb build expected rrweb ${rrwebVersion}'s postcss code; found ` +
        `${JSON.stringify(counts)}. Update dropPostcss in packages/sdk/build.mjs.`,
    );
  }
  return source;
}

/** Replaces each `[from, to]` pair in rrweb's code, where `from` must occur exactly once. */
function editRrweb(source, edits) {
  for (const [from, to] of edits) {
    if (source.split(from).length !== 2) {
      throw new Error(
        `The rrweb build expected rrweb ${rrwebVersion}'s code to contain ` +
          `${JSON.stringify(from)} exactly once. Update the edits in packages/sdk/build.mjs.`,
      );
    }
    source = source.replace(from, to);
  }
  return source;
}

/**
 * Puts Reprise's storm guard (src/recorder/storm.ts) between each of rrweb's mutation observers
 * and its mutation buffer, and cancels the guard when rrweb stops the observer. The guard gets
 * rrweb's own `serializeNodeWithId` and `isBlocked`, so the nodes it records are serialized as
 * rrweb serializes added nodes.
 */
function guardMutationStorms(source) {
  const edited = editRrweb(source, [
    [
      'const observer = new ObserverCtor(callbackWrapper(mutationBuffer.processMutations.bind(mutationBuffer)));',
      'const stormGuard = reprise_guardMutationStorms(mutationBuffer.processMutations.bind(mutationBuffer), options, serializeNodeWithId, isBlocked);\n' +
        '\tconst observer = new ObserverCtor(callbackWrapper(stormGuard.take));',
    ],
    [
      'const stop = () => {\n\t\tobserver.disconnect();\n\t\tmutationBuffers.delete(mutationBuffer);',
      'const stop = () => {\n\t\tstormGuard.cancel();\n\t\tobserver.disconnect();\n\t\tmutationBuffers.delete(mutationBuffer);',
    ],
  ]);
  const guard = JSON.stringify(join(root, 'src/recorder/storm.ts'));
  return `import { guardMutationStorms as reprise_guardMutationStorms } from ${guard};\n${edited}`;
}

/**
 * Reprise records canvases as frames (its `sampling.canvas` is a frame rate), so rrweb's
 * recording of each 2D and WebGL call never runs. Without these two calls esbuild drops that
 * code, about 0.9 KB gzip.
 */
function dropCanvasCallRecording(source) {
  return editRrweb(source, [
    [
      'const canvas2DReset = initCanvas2DMutationObserver(this.processMutation.bind(this), win, blockClass, blockSelector);',
      'const canvas2DReset = () => {};',
    ],
    [
      'const canvasWebGL1and2Reset = initCanvasWebGLMutationObserver(this.processMutation.bind(this), win, blockClass, blockSelector);',
      'const canvasWebGL1and2Reset = () => {};',
    ],
  ]);
}

/**
 * rrweb 2.2.2 reads DOM accessors from a prototype it trusts: the page's own when its accessors
 * and methods are native code, else a fresh one from a hidden iframe. It checks every listed name
 * for a native getter, but `querySelector` and `querySelectorAll` of `Element` are methods, so the
 * check always fails for `Element`. Each of its two recording copies then adds an iframe to the
 * page when recording starts (about 15 ms of a first load in a CPU profile, Chromium 156 on 2
 * vCPUs). This edit checks a method's own code, so a page whose `Element` is untouched keeps its
 * own prototype and gets no iframe, and a patched one still gets the iframe's.
 */
function checkMethodsAsMethods(source) {
  const from =
    'const isUntaintedAccessors = Boolean(accessorNames && accessorNames.every((accessor) => ' +
    'Boolean(Object.getOwnPropertyDescriptor(defaultPrototype, accessor)?.get?.toString().includes("[native code]"))));';
  const to =
    'const isUntaintedAccessors = Boolean(accessorNames && accessorNames.every((accessor) => {\n' +
    '\t\tconst descriptor = Object.getOwnPropertyDescriptor(defaultPrototype, accessor);\n' +
    '\t\treturn Boolean((descriptor?.get ?? descriptor?.value)?.toString().includes("[native code]"));\n' +
    '\t}));';
  const copies = source.split(from).length - 1;
  if (copies !== 3) {
    throw new Error(
      `The rrweb build expected rrweb ${rrwebVersion}'s code to contain three copies of its ` +
        `prototype check; found ${copies}. Update checkMethodsAsMethods in packages/sdk/build.mjs.`,
    );
  }
  return source.replaceAll(from, to);
}

/**
 * Loads rrweb's one prebuilt file with the edits above. Each edit fails the build when the code
 * does not look as expected, for example after an rrweb upgrade.
 */
const rrwebForRecording = {
  name: 'rrweb-for-recording',
  setup(build) {
    build.onLoad({ filter: /[\\/]rrweb[\\/]dist[\\/]rrweb\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const edited = guardMutationStorms(
        checkMethodsAsMethods(dropCanvasCallRecording(dropPostcss(source))),
      );
      return { contents: edited, loader: 'js' };
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
  // License notices of bundled code go to a `.LEGAL.txt` file beside each bundle, which the
  // bundle names in a comment, instead of into the code that every page downloads.
  legalComments: 'linked',
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
    plugins: [rrwebForRecording],
  },
  { kind: 'core', entry: 'src/script.ts', out: 'reprise.js', format: 'iife', plugins: [] },
  {
    kind: 'recorder',
    entry: 'src/recorder-script.ts',
    out: 'reprise-recorder.js',
    format: 'iife',
    plugins: [rrwebForRecording],
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
