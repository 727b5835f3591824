// The command line's files: read as the Rust command line reads them, with its messages (Rust's
// I/O error texts, serde_json's JSON errors through jsonRoundTrip), and the definitions of nested
// workflows named by their file names.
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';

import { jsonRoundTrip } from '../node.mjs';
import { UsageError } from './usage.mjs';

// strerror's words, as Rust's io::Error prints them; libuv's (Node's) are lower-case and differ.
const OS_ERRORS = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
};
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function osError(e) {
  return typeof e.errno === 'number' ? `${OS_ERRORS[e.code] ?? e.message} (os error ${-e.errno})` : e.message;
}

/** A file's text; `what` names it in the error ("definition", "input", ...). */
export function readText(path, what) {
  let bytes;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${path}: ${osError(e)}`);
  }
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new UsageError(`cannot read ${what} ${path}: stream did not contain valid UTF-8`);
  }
}

/** A file's text, checked to be JSON. */
export function readJsonText(path, what) {
  const text = readText(path, what);
  try {
    jsonRoundTrip(text);
  } catch (e) {
    throw new UsageError(`${what} ${path} is not valid JSON: ${e.message}`);
  }
  return text;
}

/** The definitions after the first: `{name, path, type}` for each file, and for each `*.json`
 *  of each folder (but the first definition). `Child.express.json` is an EXPRESS machine named
 *  Child, `Child.standard.json` a STANDARD one, `Child.json` one of the `--type` given. */
export function moreMachines(o) {
  const files = [];
  for (const arg of o.more) {
    if (!isFolder(arg)) {
      files.push(arg);
      continue;
    }
    let names;
    try {
      names = readdirSync(arg);
    } catch (e) {
      throw new UsageError(`cannot read folder ${arg}: ${osError(e)}`);
    }
    const inFolder = names.filter((name) => extension(name) === 'json')
      .map((name) => (arg.endsWith('/') ? arg + name : `${arg}/${name}`))
      .filter((path) => !sameFile(path, o.definition));
    files.push(...inFolder.sort());
  }
  return files.map((path) => {
    const stem = fileStem(path);
    const dot = stem.lastIndexOf('.');
    const [name, suffix] = dot < 0 ? [stem, ''] : [stem.slice(0, dot), stem.slice(dot + 1)];
    if (suffix === 'express') return { name, path, type: 'EXPRESS' };
    if (suffix === 'standard') return { name, path, type: 'STANDARD' };
    return { name: stem, path, type: o.type };
  });
}

function isFolder(path) {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function sameFile(a, b) {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

// Rust's Path::file_name, file_stem and extension: a leading dot starts no extension.
function fileName(path) {
  const name = path.split('/').filter((part) => part !== '' && part !== '.').pop() ?? '';
  return name === '..' ? '' : name;
}

function extension(name) {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1) : undefined;
}

function fileStem(path) {
  const name = fileName(path);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}
