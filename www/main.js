// The playground: plain ES modules, no framework, no bundler. ./pkg is the web build of the crate
// (`make play` or `bash scripts/build.sh web` writes it).
import init, { version, jsonRoundTrip } from './pkg/asl_sim.js';

const $ = (id) => document.getElementById(id);
const status = $('status');
const output = $('output');

function setStatus(text, kind) {
  status.textContent = text;
  status.className = kind;
}

// Shows a result, or an error the way Step Functions reports a failed execution.
function show(result) {
  output.classList.toggle('failed', 'error' in result);
  output.textContent = 'error' in result
    ? JSON.stringify({ error: result.error, cause: result.cause }, null, 2)
    : result.output;
}

// For now, Run checks that the definition is JSON and passes the input through, as the one Pass
// state of the default definition does. The simulator replaces this when the core lands.
function run() {
  try {
    jsonRoundTrip($('definition').value);
  } catch (e) {
    return { error: 'InvalidDefinition', cause: e.message };
  }
  try {
    return { output: jsonRoundTrip($('input').value) };
  } catch (e) {
    return { error: e.name, cause: e.message };
  }
}

try {
  await init();
  $('version').textContent = `v${version()}`;
  $('run').addEventListener('click', () => show(run()));
  $('run').disabled = false;
  setStatus('ready', 'ready');
} catch (e) {
  setStatus(`failed to load the WebAssembly module: ${e}`, 'error');
  throw e;
}
