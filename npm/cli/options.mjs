// The options of `run` and `validate`, and the account that `--state-machine-arn` names: parsed
// as the Rust command line parses them.
import { USAGE, UsageError } from './usage.mjs';

const VALUED = {
  '--input': 'input',
  '--input-json': 'inputJson',
  '--mock-config': 'mockConfig',
  '--state-machine-arn': 'stateMachineArn',
  '--execution-name': 'executionName',
  '--role-arn': 'roleArn',
  '--s3-dir': 's3Dir',
};
const U64_MAX = 2n ** 64n - 1n;
// The budget flags and the Simulator options they set.
const BUDGETS = {
  '--max-transitions': 'maxTransitions',
  '--max-history-bytes': 'maxHistoryBytes',
  '--max-log-bytes': 'maxLogBytes',
  '--state-cost-ms': 'stateCostMs',
  '--jsonata-memory': 'jsonataMemory',
  '--jsonata-fuel': 'jsonataFuel',
  '--max-open-executions': 'maxOpenExecutions',
};

/** `run`'s and `validate`'s arguments; `multi`: whether more definitions may follow the first. */
export function parseOptions(args, multi) {
  const o = { definition: '', more: [], type: 'STANDARD', seed: 0, history: false, budgets: {} };
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    const value = () => {
      if (i + 1 >= args.length) throw new UsageError(`${arg} needs a value\n${USAGE}`);
      i += 1;
      return args[i];
    };
    if (arg in VALUED) {
      o[VALUED[arg]] = value();
    } else if (arg === '--type') {
      const name = value();
      if (name !== 'STANDARD' && name !== 'EXPRESS') throw new UsageError(`--type must be STANDARD or EXPRESS, not ${name}`);
      o.type = name;
    } else if (arg === '--seed') {
      o.seed = seed(value());
    } else if (arg === '--history') {
      o.history = true;
    } else if (arg in BUDGETS) {
      o.budgets[BUDGETS[arg]] = wholeNumber(arg, value());
    } else if (arg.startsWith('--')) {
      throw new UsageError(`unknown option ${arg}\n${USAGE}`);
    } else if (o.definition === '') {
      o.definition = arg;
    } else {
      o.more.push(arg);
    }
  }
  if (o.definition === '') throw new UsageError(`missing DEFINITION.json\n${USAGE}`);
  if (!multi && o.more.length > 0) throw new UsageError(`unexpected argument ${o.more[0]}\n${USAGE}`);
  return o;
}

// A u64, as Rust's parse takes it; the JS simulator's seeds stop at 2^53 - 1.
function seed(text) {
  if (!/^\+?[0-9]+$/.test(text) || BigInt(text) > U64_MAX) throw new UsageError('--seed needs a number');
  const n = BigInt(text);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new UsageError(`--seed above ${Number.MAX_SAFE_INTEGER} needs the Rust command line (this one runs on JS numbers)`);
  }
  return Number(n);
}

// A budget: a u64 as Rust takes it, past 2^53 - 1 (JS numbers) no limit at all.
function wholeNumber(flag, text) {
  if (!/^\+?[0-9]+$/.test(text) || BigInt(text) > U64_MAX) throw new UsageError(`${flag} needs a whole number, not ${text}`);
  const n = BigInt(text);
  return n > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(n);
}

/** The account, region, machine name and test case of `--state-machine-arn`. */
export function target(o) {
  const given = o.stateMachineArn ?? 'arn:aws:states:us-east-1:123456789012:stateMachine:StateMachine';
  const hash = given.indexOf('#');
  const arn = hash < 0 ? given : given.slice(0, hash);
  const parts = arn.split(':');
  const part = (i, fallback) => parts[i] || fallback;
  return {
    region: part(3, 'us-east-1'),
    account: part(4, '123456789012'),
    machine: part(6, 'StateMachine'),
    testCase: hash < 0 ? undefined : given.slice(hash + 1),
  };
}
