#!/usr/bin/env node
// `npx asl-sim`: see cli/main.mjs. Exits as soon as the command is done, as the Rust binary does,
// even if executions that the machine started (nested workflows) are still running.
import { main } from '../cli/main.mjs';

const line = (stream) => (text) => stream.write(`${text}\n`);
const status = await main(process.argv.slice(2), { out: line(process.stdout), err: line(process.stderr) });
process.stdout.write('', () => process.exit(status));
