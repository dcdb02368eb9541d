/**
 * Compares the transfer size of Reprise's browser SDK with the bundles that mixpanel-browser,
 * posthog-js and rrweb ship: raw, gzip (level 9) and brotli (quality 11) bytes, compressed with
 * node's zlib. Prints a table and writes bench/results/sdk-size-<time>.json.
 *
 *   npm run sdk-size -w @reprise/bench -- [--build]
 *
 * It reads packages/sdk/dist as it is; `--build` runs `npm run build -w @reprise/sdk` first.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import {
  loadAverage,
  machine,
  printTable,
  readOptions,
  repositoryRoot,
  round,
  writeResults,
} from '../server/report.js';

const require = createRequire(import.meta.url);

type Role = 'core' | 'recorder';

interface Bundle {
  product: 'Reprise' | 'mixpanel-browser' | 'posthog-js' | 'rrweb';
  role: Role;
  /** Build variant: script tag, ES module, or how the bundle was made. */
  build: string;
  /** Path from the repository root, or a description for a bundle built here. */
  source: string;
  code: Buffer;
}

interface Measured {
  product: Bundle['product'];
  role: Role;
  build: string;
  source: string;
  rawBytes: number;
  gzipBytes: number;
  brotliBytes: number;
}

/** Returns the folder of an installed package. rrweb exports no `./package.json`, so this walks up from its entry. */
function packageFolder(name: string): string {
  let folder = dirname(require.resolve(name));
  while (!existsSync(join(folder, 'package.json')) || !folder.endsWith(name)) {
    const parent = dirname(folder);
    if (parent === folder)
      throw new Error(`Package ${name} not found above ${require.resolve(name)}`);
    folder = parent;
  }
  return folder;
}

function packageVersion(name: string): string {
  return (
    JSON.parse(readFileSync(join(packageFolder(name), 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
}

function fileBundle(product: Bundle['product'], role: Role, build: string, path: string): Bundle {
  return { product, role, build, source: relative(repositoryRoot, path), code: readFileSync(path) };
}

/**
 * Builds a minified script-tag bundle of rrweb's `record` alone, because rrweb 2.2.2 ships no
 * record-only file (its record-only build is the separate @rrweb/record package). esbuild cannot
 * drop the two postcss copies that rrweb's prebuilt file initializes at the top level, so this
 * is larger than a record-only build made from rrweb's sources.
 */
async function rrwebRecordOnly(): Promise<Bundle> {
  const result = await esbuild.build({
    stdin: { contents: "export { record } from 'rrweb';", resolveDir: repositoryRoot },
    bundle: true,
    minify: true,
    format: 'iife',
    globalName: 'rrwebRecord',
    target: 'es2017',
    write: false,
    logLevel: 'silent',
  });
  return {
    product: 'rrweb',
    role: 'recorder',
    build: 'record only, esbuild --minify of the ESM entry',
    source: "export { record } from 'rrweb' (rrweb/dist/rrweb.js)",
    code: Buffer.from(result.outputFiles[0]!.contents),
  };
}

function reprise(): Bundle[] {
  const dist = join(repositoryRoot, 'packages', 'sdk', 'dist');
  return [
    fileBundle('Reprise', 'core', 'script tag', join(dist, 'reprise.js')),
    fileBundle('Reprise', 'core', 'ES module', join(dist, 'reprise.mjs')),
    fileBundle('Reprise', 'recorder', 'script tag', join(dist, 'reprise-recorder.js')),
    fileBundle('Reprise', 'recorder', 'ES module', join(dist, 'recorder.mjs')),
  ];
}

/** Returns the newest modification time, ms, of the files under `folder`. */
function newestChange(folder: string): number {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

async function peers(): Promise<Bundle[]> {
  const mixpanel = join(packageFolder('mixpanel-browser'), 'dist');
  const posthog = join(packageFolder('posthog-js'), 'dist');
  const rrweb = join(packageFolder('rrweb'), 'dist');
  return [
    // mixpanel.min.js is the script-tag build of the core; since 2.5x it loads
    // mixpanel-recorder.min.js when a session is sampled for recording.
    fileBundle(
      'mixpanel-browser',
      'core',
      'script tag, minified',
      join(mixpanel, 'mixpanel.min.js'),
    ),
    fileBundle(
      'mixpanel-browser',
      'recorder',
      'script tag, minified',
      join(mixpanel, 'mixpanel-recorder.min.js'),
    ),
    // array.js is the script-tag build. It loads the recorder by the name "lazy-recorder"
    // (lazy-recorder.js); posthog-recorder.js is a copy of it under the older name.
    fileBundle('posthog-js', 'core', 'script tag (array.js)', join(posthog, 'array.js')),
    fileBundle('posthog-js', 'recorder', 'lazy-recorder.js', join(posthog, 'lazy-recorder.js')),
    await rrwebRecordOnly(),
    fileBundle(
      'rrweb',
      'recorder',
      'full (record + replay), UMD minified',
      join(rrweb, 'rrweb.umd.min.cjs'),
    ),
  ];
}

function measure(bundle: Bundle): Measured {
  const gzip = gzipSync(bundle.code, { level: 9 });
  const brotli = brotliCompressSync(bundle.code, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: bundle.code.length,
    },
  });
  return {
    product: bundle.product,
    role: bundle.role,
    build: bundle.build,
    source: bundle.source,
    rawBytes: bundle.code.length,
    gzipBytes: gzip.length,
    brotliBytes: brotli.length,
  };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/**
 * Compares Reprise's script-tag bundle of each role with every peer bundle of that role, as
 * Reprise / peer, so that below 1 means Reprise is smaller.
 */
function ratios(measured: Measured[]) {
  const result = [];
  for (const role of ['core', 'recorder'] as const) {
    const ours = measured.find((item) => item.product === 'Reprise' && item.role === role)!;
    for (const peer of measured.filter(
      (item) => item.product !== 'Reprise' && item.role === role,
    )) {
      result.push({
        role,
        reprise: `${ours.product} ${ours.build}`,
        peer: `${peer.product} ${peer.build}`,
        gzip: round(ours.gzipBytes / peer.gzipBytes, 3),
        brotli: round(ours.brotliBytes / peer.brotliBytes, 3),
      });
    }
  }
  return result;
}

async function main() {
  const options = readOptions(process.argv.slice(2), { build: false });
  const loadAtStart = loadAverage();
  if (options.build) {
    execFileSync('npm', ['run', 'build', '-w', '@reprise/sdk'], {
      cwd: repositoryRoot,
      stdio: 'inherit',
    });
  }
  const sdk = join(repositoryRoot, 'packages', 'sdk');
  const builtAt = statSync(join(sdk, 'dist', 'reprise.js')).mtimeMs;
  if (newestChange(join(sdk, 'src')) > builtAt) {
    console.warn(
      'packages/sdk/src changed after packages/sdk/dist was built; pass --build to measure the current sources',
    );
  }

  const measured = [...reprise(), ...(await peers())].map(measure);
  printTable(
    ['product', 'role', 'build', 'raw', 'gzip -9', 'brotli 11'],
    measured.map((item) => [
      item.product,
      item.role,
      item.build,
      kib(item.rawBytes),
      kib(item.gzipBytes),
      kib(item.brotliBytes),
    ]),
  );
  console.log('');
  const compared = ratios(measured);
  printTable(
    ['role', 'Reprise / peer', 'gzip ratio', 'brotli ratio'],
    compared.map((item) => [
      item.role,
      `${item.reprise} / ${item.peer}`,
      `${item.gzip}`,
      `${item.brotli}`,
    ]),
  );

  const file = writeResults('sdk-size', {
    machine: machine({ loadAverageAtStart: loadAtStart, loadAverageAtEnd: loadAverage() }),
    versions: {
      'mixpanel-browser': packageVersion('mixpanel-browser'),
      'posthog-js': packageVersion('posthog-js'),
      rrweb: packageVersion('rrweb'),
      esbuild: esbuild.version,
      zlib: process.versions.zlib,
      brotli: process.versions.brotli,
    },
    sdkBuiltAt: new Date(builtAt).toISOString(),
    compression: { gzip: 'level 9', brotli: 'quality 11, text mode, size hint' },
    bundles: measured,
    ratios: compared,
    finishedAt: new Date().toISOString(),
  });
  console.log(`Wrote ${file}`);
}

await main();
