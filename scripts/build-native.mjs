#!/usr/bin/env node
// Builds the C++ hot path (binding.gyp -> build/Release/pushgate_native.node).
// Run as the package's `install` script, so it must never fail the install:
// on any problem it prints ONE line saying the TypeScript fallback will be used
// and exits 0. The full compiler output goes to build/native-build.log.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const addonRelative = 'build/Release/pushgate_native.node';
const logRelative = 'build/native-build.log';
// Generous: a loaded 2-core machine needs ~30 s; this only guards against a
// node-gyp that hangs trying to download headers without network.
const BUILD_TIMEOUT_MS = 10 * 60 * 1000;

function fallback(reason) {
  console.log(`pushgate: native addon not built (${reason}); the TypeScript fallback will be used`);
  process.exit(0);
}

function findNodeGyp() {
  const local = join(root, 'node_modules/node-gyp/bin/node-gyp.js');
  if (existsSync(local)) return local;
  // Installed as a dependency: node-gyp may be hoisted next to us.
  try {
    return createRequire(join(root, 'package.json')).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return null;
  }
}

// Headers for the running Node, so node-gyp never has to download them.
function findNodeDir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  for (const prefix of ['/usr', '/usr/local', dirname(dirname(process.execPath))]) {
    const versionHeader = join(prefix, 'include/node/node_version.h');
    if (!existsSync(join(prefix, 'include/node/node_api.h')) || !existsSync(versionHeader)) continue;
    const text = readFileSync(versionHeader, 'utf8');
    const part = (name) => new RegExp(`#define\\s+NODE_${name}_VERSION\\s+(\\d+)`).exec(text)?.[1];
    if (`${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}` === process.versions.node) return prefix;
  }
  return null;
}

// The first line that explains a failure, short enough for one line of output.
function shortReason(output, status, signal) {
  if (signal === 'SIGTERM') return 'build timed out';
  if (/ENOTFOUND|ECONNREFUSED|ETIMEDOUT|network connectivity/.test(output)) {
    return `node-gyp could not download the Node headers; set npm_config_nodedir; see ${logRelative}`;
  }
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  const pick =
    lines.find((l) => /\berror:/.test(l) && !/^gyp (ERR|info)/.test(l)) ??
    lines.find((l) => /not found|No such file|command not found|ENOENT/i.test(l) && !/^gyp (WARN|info)/.test(l))?.replace(/^\S*Error: /, '') ??
    lines.find((l) => /^gyp ERR! stack Error:/.test(l))?.replace(/^gyp ERR! stack /, '') ??
    `node-gyp exited with status ${status}`;
  // A compiler that fails silently (or is missing) leaves only make's summary.
  if (/`make` failed/.test(pick)) {
    const cxx = process.env.CXX ? `CXX=${process.env.CXX}` : 'the C++ compiler';
    return `compiling with ${cxx} failed; see ${logRelative}`;
  }
  const trimmed = pick.length > 140 ? `${pick.slice(0, 137)}...` : pick;
  return `${trimmed}; see ${logRelative}`;
}

function main() {
  if (process.env.PUSHGATE_SKIP_NATIVE_BUILD === '1') fallback('PUSHGATE_SKIP_NATIVE_BUILD=1');
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) fallback('node-gyp is not installed');
  if (!existsSync(join(root, 'binding.gyp'))) fallback('binding.gyp is missing');

  const args = [nodeGyp, 'rebuild'];
  const nodedir = findNodeDir();
  if (nodedir) args.push(`--nodedir=${nodedir}`);
  const result = spawnSync(process.execPath, args, {
    cwd: root,
    encoding: 'utf8',
    timeout: BUILD_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
    env: process.env,
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  try {
    mkdirSync(join(root, 'build'), { recursive: true });
    writeFileSync(join(root, logRelative), output);
  } catch {
    // The log is a convenience; never let it fail the install.
  }
  if (result.error && result.error.code !== 'ETIMEDOUT') fallback(`could not run node-gyp: ${result.error.message}`);
  if (result.status !== 0) fallback(shortReason(output, result.status, result.signal));

  const addon = join(root, addonRelative);
  if (!existsSync(addon)) fallback(`${addonRelative} was not produced`);
  // A binary that builds but cannot load (wrong ABI, missing symbol) is worse
  // than none: remove it so the loader goes straight to the fallback.
  try {
    const ops = createRequire(import.meta.url)(addon);
    for (const name of ['mask', 'unmask', 'utf8Step', 'scanFrames']) {
      if (typeof ops[name] !== 'function') throw new Error(`missing export ${name}`);
    }
  } catch (err) {
    rmSync(addon, { force: true });
    fallback(`built but failed to load: ${String(err?.message ?? err).split('\n')[0]}`);
  }
  console.log(`pushgate: native addon built (${addonRelative})`);
}

try {
  main();
} catch (err) {
  fallback(String(err?.message ?? err).split('\n')[0]);
}
