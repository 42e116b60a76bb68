// Shared helpers of the build, start, test and bench scripts: running
// commands and making sure the toolchain is installed. Node built-ins only,
// because this runs before `npm install`.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// cargo-installed tools live in ~/.cargo/bin, which a fresh shell may not have on PATH.
const cargoBin = join(process.env.CARGO_HOME ?? join(homedir(), '.cargo'), 'bin');
if (!(process.env.PATH ?? '').split(delimiter).includes(cargoBin)) {
  process.env.PATH = `${cargoBin}${delimiter}${process.env.PATH ?? ''}`;
}
process.env.PATH = `${join(root, 'node_modules', '.bin')}${delimiter}${process.env.PATH}`;

/**
 * The package's subpaths, one wasm module each, built from the crate with only
 * the cargo feature of the same name (`quorumkit/raft-sim` is feature `raft-sim`).
 * The root entry point loads them in this order.
 */
export const MODULES = ['snowflake', 'bloom', 'ring', 'raft', 'raft-sim'];

/** The file name of a subpath's wasm module in pkg/. */
export const wasmFile = (subpath) => `quorumkit-${subpath}.wasm`;

/** Runs a command with inherited output; throws if it fails. */
export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
}

/** Runs a command and returns its stdout, or null if it cannot run or fails. */
export function capture(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: root, ...opts });
  return r.status === 0 ? r.stdout : null;
}

/**
 * Runs a command, echoing its output live, and resolves with
 * { code, output } (stdout and stderr interleaved).
 */
export function runTee(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const onData = (stream) => (chunk) => {
      output += chunk;
      stream.write(chunk);
    };
    child.stdout.on('data', onData(process.stdout));
    child.stderr.on('data', onData(process.stderr));
    child.on('error', (e) => resolve({ code: 127, output: output + String(e) }));
    child.on('close', (code, signal) => resolve({ code: code ?? 128, signal, output }));
  });
}

/** The exact wasm-bindgen version pinned in Cargo.toml. */
export function pinnedWasmBindgen() {
  const m = readFileSync(join(root, 'Cargo.toml'), 'utf8').match(/^wasm-bindgen = (?:\{ version = )?"=([0-9.]+)"/m);
  if (!m) throw new Error('Cargo.toml must pin wasm-bindgen exactly (wasm-bindgen = "=X.Y.Z")');
  return m[1];
}

/** The crate version from Cargo.toml. */
export function crateVersion() {
  return readFileSync(join(root, 'Cargo.toml'), 'utf8').match(/^version = "([^"]+)"/m)[1];
}

function step(msg) {
  console.log(`\n▶ ${msg}`);
}

/** The twiggy version the size report is written against. */
const TWIGGY = '0.8.0';

/**
 * Installs what is missing, quickly when nothing is: the wasm32 target, the
 * pinned wasm-bindgen CLI, twiggy, npm packages, and (with `browsers`)
 * Chromium and ChromeDriver from Debian's packages.
 */
export function ensureToolchain({ browsers = false } = {}) {
  if (capture('cargo', ['--version']) === null) {
    throw new Error('cargo is not installed: install Rust from https://rustup.rs first');
  }
  const targets = capture('rustup', ['target', 'list', '--installed']) ?? '';
  if (!targets.split('\n').includes('wasm32-unknown-unknown')) {
    step('installing the wasm32-unknown-unknown target');
    run('rustup', ['target', 'add', 'wasm32-unknown-unknown']);
  }
  const want = pinnedWasmBindgen();
  const have = capture('wasm-bindgen', ['--version'])?.trim().split(' ')[1];
  if (have !== want) {
    step(`installing wasm-bindgen-cli ${want} (found ${have ?? 'none'}); this takes a few minutes once`);
    // No --locked: one of the CLI's locked dependencies is no longer on crates.io.
    run('cargo', ['install', 'wasm-bindgen-cli', '--version', want, '--force']);
  }
  if (capture('twiggy', ['--version']) === null) {
    step(`installing twiggy ${TWIGGY} (npm run size lists each module's largest items with it); this takes a few minutes once`);
    run('cargo', ['install', 'twiggy', '--version', TWIGGY]);
  }
  if (!npmInstalled()) {
    step('installing npm packages');
    run('npm', [existsSync(join(root, 'package-lock.json')) ? 'ci' : 'install', '--no-audit', '--no-fund']);
  }
  if (browsers) ensureChromium();
}

function npmInstalled() {
  const lock = join(root, 'package-lock.json');
  const installed = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(installed)) return false;
  // npm rewrites node_modules/.package-lock.json on every install; if the
  // lockfile lists a package it does not, the install is stale.
  // Optional packages (other platforms' binaries) are never installed here.
  const want = Object.entries(JSON.parse(readFileSync(lock, 'utf8')).packages ?? {});
  const have = JSON.parse(readFileSync(installed, 'utf8')).packages ?? {};
  return want.every(([p, meta]) => p === '' || meta.optional || p in have);
}

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMEDRIVER = process.env.CHROMEDRIVER ?? '/usr/bin/chromedriver';

function ensureChromium() {
  if (existsSync(CHROMIUM) && existsSync(CHROMEDRIVER)) return;
  step('installing Chromium and ChromeDriver (Debian packages) for the browser tests');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const aptGet = (args) =>
    process.getuid?.() === 0
      ? run('apt-get', args, { env })
      : run('sudo', ['-n', 'apt-get', ...args], { env });
  aptGet(['update', '-qq']);
  aptGet(['install', '-y', '-qq', 'chromium', 'chromium-driver']);
}

/** The Chromium flags used by every browser test. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
