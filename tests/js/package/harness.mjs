// What the package tests share: named checks with a closing `N passed, M failed`, exact
// comparisons, commands, projects that install the tarball offline, and a static file server.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';

const results = [];

/** Runs one named check; a throw fails it and the run goes on. */
export async function check(name, fn) {
  try {
    await fn();
    results.push([name, null]);
    console.log(`ok   ${name}`);
  } catch (e) {
    results.push([name, e]);
    console.log(`FAIL ${name}\n     ${String(e.stack || e).split('\n').slice(0, 8).join('\n     ')}`);
  }
}

/** The closing line; returns the number of failed checks. */
export function summary() {
  const failed = results.filter(([, e]) => e).length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  return failed;
}

/** Fails unless `actual` and `expected` are the same JSON. */
export function assertEqual(actual, expected, what) {
  const [a, b] = [JSON.stringify(actual), JSON.stringify(expected)];
  if (a !== b) throw new Error(`${what}: expected ${b}, got ${a}`);
}

/** A command's stdout; throws with its output if it fails. */
export function run(command, args, cwd, env) {
  try {
    return execFileSync(command, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } catch (e) {
    throw new Error(`${command} ${args.join(' ')} failed (${e.status}):\n${e.stdout}${e.stderr}`);
  }
}

/** A command's `{status, stdout, stderr}`, whatever its exit status. */
export function capture(command, args, cwd) {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A new folder with this package.json and the tarball installed from it, without the network. */
export function project(dir, tarball, manifest = {}) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true, ...manifest }, null, 2));
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], dir);
  return dir;
}

/** Writes files `{relative path: text}` into `dir`. */
export function write(dir, files) {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

export const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm',
  '.json': 'application/json' };

/** Serves `dir` on a free loopback port; returns `{base, close}`. */
export async function serve(dir) {
  const server = createServer((req, res) => {
    // Browsers ask for an icon; a 404 would show as a console error on the page.
    if (req.url === '/favicon.ico') return res.writeHead(204).end();
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    try {
      const body = readFileSync(join(dir, path));
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}
