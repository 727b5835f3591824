// `--s3-dir DIR`: the account's S3 objects are the files DIR/<bucket>/<key>, loaded before the
// run and, when new or changed, written back after it, as the Rust command line does.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { UsageError } from './usage.mjs';

/** Puts every file under DIR/<bucket>/ into the simulator; returns each key's ETag. */
export function loadS3Dir(sim, dir) {
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
export function writeS3Dir(sim, dir, loaded) {
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
