// `asl-sim run`: creates the machines in a simulated account on the virtual clock (from
// 2024-01-01T00:00:00Z, as the Rust command line does), starts the first one and prints the
// StartSyncExecution-shaped result, dates as ISO text, with `--history` the execution's events.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { Simulator } from '../node.mjs';
import { executionHistory } from '../testing.js';
import { moreMachines, readJsonText, readText } from './files.mjs';
import { target } from './options.mjs';
import { UsageError } from './usage.mjs';

const START = Date.UTC(2024, 0, 1);
const DATE_KEYS = ['creationDate', 'startDate', 'stopDate', 'timestamp'];

/** Runs the machine of `o` (see options.mjs); returns the exit status: 0 SUCCEEDED, else 1. */
export async function run(o, io) {
  const t = target(o);
  let sim;
  try {
    // An Express run keeps its history only when it is to be printed, as the Rust command line.
    sim = new Simulator({ accountId: t.account, region: t.region, seed: o.seed, startDate: START,
      ...o.budgets, expressHistory: o.history });
  } catch (e) {
    return apiFailure('--state-machine-arn', e, io);
  }
  const definition = readText(o.definition, 'definition');
  let machineArn;
  try {
    ({ stateMachineArn: machineArn } = sim.createStateMachine({ name: t.machine, definition, type: o.type, roleArn: o.roleArn }));
  } catch (e) {
    return apiFailure(o.definition, e, io);
  }
  for (const { name, path, type } of moreMachines(o)) {
    const text = readText(path, 'definition');
    try {
      sim.createStateMachine({ name, definition: text, type });
    } catch (e) {
      return apiFailure(path, e, io);
    }
  }
  if (o.mockConfig !== undefined) {
    const config = readJsonText(o.mockConfig, 'mock config');
    try {
      sim.setMockConfig(config);
    } catch (e) {
      return apiFailure(o.mockConfig, e, io);
    }
  }
  const loaded = o.s3Dir === undefined ? undefined : loadS3Dir(sim, o.s3Dir);
  const input = o.input !== undefined ? readText(o.input, 'input') : (o.inputJson ?? '{}');
  const stateMachineArn = t.testCase === undefined ? machineArn : `${machineArn}#${t.testCase}`;
  const request = { stateMachineArn, input, name: o.executionName };
  let result;
  try {
    result = o.type === 'EXPRESS' ? await sim.startSyncExecution(request) : await startExecution(sim, request);
  } catch (e) {
    return apiFailure('start', e, io);
  }
  if (loaded !== undefined) writeS3Dir(sim, o.s3Dir, loaded);
  const response = isoDates(result);
  if (o.history) response.events = executionHistory(sim, result.executionArn).map(isoDates);
  io.out(JSON.stringify(response));
  return response.status === 'SUCCEEDED' ? 0 : 1;
}

// A Standard execution's end. One that waits for a task token nobody sends stays RUNNING and
// leaves Node nothing to do: then its description, without the redrive fields, as Rust prints it.
function startExecution(sim, request) {
  return new Promise((resolve) => {
    const { executionArn } = sim.startExecution(request, resolve);
    process.once('beforeExit', () => {
      const { redriveCount, redriveStatus, redriveStatusReason, ...running } = sim.describeExecution({ executionArn });
      resolve(running);
    });
  });
}

function isoDates(value) {
  const copy = { ...value };
  for (const key of DATE_KEYS) {
    if (copy[key] instanceof Date) copy[key] = copy[key].toISOString();
  }
  return copy;
}

/** An API error (an `Error` from the simulator, `$fault: 'client'`): its name and message, an
 *  invalid definition's diagnostics one a line; exit status 2. Anything else is a bug: rethrown. */
export function apiFailure(what, e, io) {
  if (!(e instanceof Error) || e.$fault !== 'client') throw e;
  io.err(`asl-sim: ${what}: ${e.name}: ${e.message}`);
  for (const diagnostic of e.diagnostics ?? []) io.err(JSON.stringify(diagnostic));
  return 2;
}

// `--s3-dir DIR`: the account's S3 objects are the files DIR/<bucket>/<key>, loaded before the
// run and, when new or changed, written back after it, as the Rust command line does.

/** Puts every file under DIR/<bucket>/ into the simulator; returns each key's ETag. */
function loadS3Dir(sim, dir) {
  const loaded = new Map();
  let buckets;
  try {
    buckets = readdirSync(dir);
  } catch (e) {
    throw new UsageError(`cannot read --s3-dir ${dir}: ${e.message}`);
  }
  for (const bucket of buckets) {
    const root = join(dir, bucket);
    if (!statSync(root).isDirectory()) continue;
    const todo = [''];
    while (todo.length > 0) {
      const rel = todo.pop();
      for (const name of readdirSync(join(root, rel))) {
        const key = rel === '' ? name : `${rel}/${name}`;
        const path = join(root, key);
        if (statSync(path).isDirectory()) {
          todo.push(key);
          continue;
        }
        const { ETag } = sim.putObject({ Bucket: bucket, Key: key, Body: new Uint8Array(readFileSync(path)) });
        loaded.set(`${bucket}/${key}`, ETag);
      }
    }
  }
  return loaded;
}

/** Writes the objects of the buckets under DIR that are new or changed since loading. */
function writeS3Dir(sim, dir, loaded) {
  for (const { Name: bucket } of sim.listBuckets().Buckets) {
    const listed = sim.listObjectsV2({ Bucket: bucket });
    for (const { Key, ETag } of listed.Contents) {
      if (loaded.get(`${bucket}/${Key}`) === ETag) continue;
      if (Key.split('/').some((s) => s === '' || s === '.' || s === '..')) {
        throw new UsageError(`cannot write s3://${bucket}/${Key} under --s3-dir: the key is no plain path`);
      }
      const path = join(dir, bucket, Key);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, sim.getObject({ Bucket: bucket, Key }).Body);
    }
  }
}
