// The `asl-sim` command line of the npm package: the Rust command line's commands, options,
// output and exit statuses (0 SUCCEEDED / OK, 1 FAILED / TIMED_OUT / ABORTED, 2 invalid input or
// definition), run on the package's Node build. `serve` is the Rust command line's only.
import { testState, validate } from './check.mjs';
import { parseOptions } from './options.mjs';
import { run } from './run.mjs';
import { USAGE, UsageError } from './usage.mjs';

/** Runs the command line `args`, writing lines with `io.out` and `io.err`; returns the exit status. */
export async function main(args, io) {
  try {
    return await command(args, io);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`asl-sim: ${e.message}`);
    return 2;
  }
}

async function command(args, io) {
  if (args.length === 0) throw new UsageError(USAGE);
  if (args.slice(1).some((arg) => arg === '--help' || arg === '-h')) {
    io.out(USAGE);
    return 0;
  }
  const [name, ...rest] = args;
  switch (name) {
    case 'run':
      return run(parseOptions(rest, true), io);
    case 'validate':
      return validate(parseOptions(rest, false), io);
    case 'test-state':
      return testState(rest, io);
    case 'serve':
      throw new UsageError('serve is in the Rust command line only; this one has run, validate and test-state');
    case '-h':
    case '--help':
    case 'help':
      io.out(USAGE);
      return 0;
    default:
      throw new UsageError(`unknown command ${name}\n${USAGE}`);
  }
}
