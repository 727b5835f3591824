// Sharing and export: the page's whole setup (definition, input, mocks, settings) compressed into
// the URL's fragment, kept current with history.replaceState; the definition as a file; the AWS
// CLI commands that create the machine and run it on AWS.
import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from '../vendor/lz-string.js';

const KEY = 'p';

/** The setup in the address bar now (null if none or unreadable). */
export function readFromUrl(location = window.location) {
  const params = new URLSearchParams(location.hash.slice(1));
  const packed = params.get(KEY);
  if (!packed) return null;
  try {
    const text = decompressFromEncodedURIComponent(packed);
    const setup = text ? JSON.parse(text) : null;
    return setup && typeof setup === 'object' && !Array.isArray(setup) ? setup : null;
  } catch {
    return null;
  }
}

/** A link that reproduces the setup. */
export function linkFor(setup, location = window.location) {
  const packed = compressToEncodedURIComponent(JSON.stringify(setup));
  return `${location.origin}${location.pathname}#${KEY}=${packed}`;
}

let timer;
/** Puts the setup in the address bar (debounced, without a history entry per keystroke). */
export function writeToUrl(setup) {
  clearTimeout(timer);
  timer = setTimeout(() => {
    try {
      history.replaceState(null, '', linkFor(setup));
    } catch {
      // A URL too long for the browser: the address bar keeps the last one that fitted.
    }
  }, 250);
}

/** Writes the pending URL at once (for tests and before leaving). */
export function flushUrl(setup) {
  clearTimeout(timer);
  history.replaceState(null, '', linkFor(setup));
}

/** Quotes a word for a POSIX shell. */
export function shellQuote(s) {
  return `'${String(s).replaceAll("'", "'\\''")}'`;
}

/** `aws stepfunctions create-state-machine` and the command that runs it, for the setup. */
export function cliCommands(setup) {
  const name = setup.machineName || 'Playground';
  const region = setup.region || 'us-east-1';
  let definition = setup.definition;
  try {
    definition = JSON.stringify(JSON.parse(definition));
  } catch {
    // As typed.
  }
  const account = '<ACCOUNT_ID>';
  const arn = `arn:aws:states:${region}:${account}:stateMachine:${name}`;
  const logging = setup.logLevel && setup.logLevel !== 'OFF'
    ? ` \\\n  --logging-configuration ${shellQuote(JSON.stringify({ level: setup.logLevel, includeExecutionData: !!setup.includeExecutionData,
      destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: `arn:aws:logs:${region}:${account}:log-group:/aws/vendedlogs/states/${name}-Logs:*` } }] }))}`
    : '';
  const create = `aws stepfunctions create-state-machine --region ${region} --type ${setup.type || 'EXPRESS'} \\\n`
    + `  --name ${shellQuote(name)} \\\n  --role-arn arn:aws:iam::${account}:role/<STEP_FUNCTIONS_ROLE> \\\n`
    + `  --definition ${shellQuote(definition)}${logging}`;
  let input = setup.input;
  try {
    input = JSON.stringify(JSON.parse(input));
  } catch {
    // As typed.
  }
  const start = setup.type === 'STANDARD'
    ? `aws stepfunctions start-execution --region ${region} \\\n  --state-machine-arn ${arn} \\\n  --input ${shellQuote(input)}`
    : `aws stepfunctions start-sync-execution --region ${region} \\\n  --state-machine-arn ${arn} \\\n  --input ${shellQuote(input)}`;
  return { create, start };
}
