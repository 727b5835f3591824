// The playground: plain ES modules, no framework, no bundler. ./pkg is the web build of the crate
// (`make play` or `bash scripts/build.sh web` writes it); worker.js runs it off the page's thread.
const $ = (id) => document.getElementById(id);
const status = $('status');
const output = $('output');
const trace = $('trace');

const EXAMPLES = {
  'Hello (Pass)': {
    definition: { Comment: 'A Pass state that returns its input', StartAt: 'Hello', States: { Hello: { Type: 'Pass', End: true } } },
    input: { greeting: 'Hello, World!', count: 1 },
  },
  'Wait a day, then choose (Standard)': {
    type: 'STANDARD',
    definition: {
      StartAt: 'Nap',
      States: {
        Nap: { Type: 'Wait', Seconds: 86400, Next: 'Big?' },
        'Big?': { Type: 'Choice', Choices: [{ Variable: '$.n', NumericGreaterThan: 10, Next: 'Big' }], Default: 'Small' },
        Big: { Type: 'Pass', Result: 'big', End: true },
        Small: { Type: 'Pass', Result: 'small', End: true },
      },
    },
    input: { n: 42 },
  },
  'Parallel and intrinsic functions': {
    definition: {
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Add', States: { Add: { Type: 'Pass', Parameters: { 'sum.$': 'States.MathAdd($.a, $.b)' }, End: true } } },
            { StartAt: 'Say', States: { Say: { Type: 'Pass', Parameters: { 'text.$': "States.Format('{} and {}', $.a, $.b)" }, End: true } } },
          ],
          End: true,
        },
      },
    },
    input: { a: 40, b: 2 },
  },
  'Catch a failure': {
    definition: {
      StartAt: 'Try',
      States: {
        Try: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'Boom', States: { Boom: { Type: 'Fail', Error: 'Oops', Cause: 'it broke' } } }],
          Catch: [{ ErrorEquals: ['Oops'], ResultPath: '$.error', Next: 'Recovered' }],
          End: true,
        },
        Recovered: { Type: 'Pass', End: true },
      },
    },
    input: {},
  },
  'Express 5-minute limit': {
    definition: { StartAt: 'Long', States: { Long: { Type: 'Wait', Seconds: 600, End: true } } },
    input: {},
  },
};

function setStatus(text, kind) {
  status.textContent = text;
  status.className = kind || '';
}

// Shows the output, or the error the way Step Functions reports a failed execution.
function show(result) {
  const failed = 'error' in result && result.status !== 'SUCCEEDED';
  output.classList.toggle('failed', failed);
  output.textContent = failed ? JSON.stringify({ error: result.error, cause: result.cause ?? '' }, null, 2) : result.output;
}

function duration(ms) {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${ms / 1000} s`;
  if (ms < 7_200_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

// One list item per history event: id, type, time since the start, and its details.
function showTrace(events) {
  trace.replaceChildren();
  const start = events.length ? events[0].timestamp.getTime() : 0;
  for (const event of events) {
    const li = document.createElement('li');
    li.dataset.type = event.type;
    li.value = event.id;
    const head = document.createElement('span');
    head.className = 'event';
    head.textContent = `${event.type}  +${duration(event.timestamp.getTime() - start)}`;
    li.append(head);
    const key = Object.keys(event).find((k) => k.endsWith('EventDetails'));
    if (key) {
      const details = document.createElement('code');
      details.textContent = JSON.stringify(event[key]);
      li.append(' ', details);
    }
    trace.append(li);
  }
}

let worker;
let ready;

function startWorker() {
  worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  ready = new Promise((resolve, reject) => {
    worker.onerror = (e) => reject(new Error(e.message || 'the worker failed to start'));
    worker.onmessage = ({ data }) => {
      if (data.ready) resolve(data.version);
    };
  });
  return ready;
}

async function run() {
  await ready;
  $('run').disabled = true;
  $('stop').disabled = false;
  output.textContent = '';
  $('summary').textContent = '';
  trace.replaceChildren();
  setStatus('running', 'running');
  let seen = 0;
  worker.onmessage = ({ data }) => {
    if (data.progress) {
      seen += 1;
      setStatus(`running: ${seen} events, last ${data.progress}`, 'running');
      return;
    }
    if (!data.done) return;
    $('run').disabled = false;
    $('stop').disabled = true;
    if (data.result) {
      const r = data.result;
      showTrace(data.events);
      const billed = r.billingDetails
        ? `; billed ${r.billingDetails.billedDurationInMilliseconds} ms, ${r.billingDetails.billedMemoryUsedInMB} MB`
        : `; ${data.events.filter((e) => e.type.endsWith('StateEntered')).length} state transitions`;
      $('summary').textContent = `${r.status} in ${duration(r.stopDate - r.startDate)} of execution time${billed}`;
      show(r);
    } else {
      show({ error: data.error, cause: data.cause });
    }
    setStatus('ready', 'ready');
  };
  worker.postMessage({ definition: $('definition').value, input: $('input').value, type: $('type').value, clock: $('clock').value });
}

// Stop ends the run whatever it is doing: the worker goes, a new one comes.
async function stop() {
  worker.terminate();
  $('stop').disabled = true;
  output.classList.add('failed');
  output.textContent = JSON.stringify({ error: 'Stopped', cause: 'Stopped from the page.' }, null, 2);
  setStatus('stopped', 'error');
  await startWorker();
  $('run').disabled = false;
}

for (const name of Object.keys(EXAMPLES)) $('example').append(new Option(name, name));
$('example').addEventListener('change', () => {
  const ex = EXAMPLES[$('example').value];
  $('definition').value = JSON.stringify(ex.definition, null, 2);
  $('input').value = JSON.stringify(ex.input);
  $('type').value = ex.type ?? 'EXPRESS';
});

try {
  $('version').textContent = `v${await startWorker()}`;
  $('run').addEventListener('click', run);
  $('stop').addEventListener('click', stop);
  $('run').disabled = false;
  setStatus('ready', 'ready');
} catch (e) {
  setStatus(`failed to load the WebAssembly module: ${e.message}`, 'error');
  throw e;
}
