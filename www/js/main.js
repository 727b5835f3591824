// The playground: plain ES modules, no framework. ../pkg is the web build of the crate, used only
// inside two Web Workers (runs, and validation with TestState), so the page never blocks and Stop
// can end any run. ../vendor holds CodeMirror, dagre and lz-string (scripts/build_www.mjs).
import { $, el, download, copy } from './dom.js';
import { EXAMPLES } from './examples.js';
import { createEditor } from './editors.js';
import { locate, lineColumn } from './pointer.js';
import { buildModel, allStates } from './model.js';
import { GraphView } from './graph.js';
import { Runner, Tools } from './workers.js';
import { Session } from './session.js';
import { TraceView } from './trace.js';
import { LogsView } from './logs.js';
import { ResultView } from './result.js';
import { DataFlowView } from './dataflow.js';
import { MocksView } from './mocks.js';
import { ReplayView } from './replay.js';
import { CallbackView } from './callback.js';
import { Tabs } from './tabs.js';
import { readFromUrl, writeToUrl, flushUrl, linkFor, cliCommands } from './share.js';
import { DEFAULTS, sanitize, showSettings, readSettings, fillRegions } from './setup.js';

const runner = new Runner();
const tools = new Tools();
const app = {
  setup: null, // the shared setup (setup.js)
  parsed: null, // the definition as an object, when it parses
  model: buildModel(null),
  session: null,
  running: false,
  selected: null,
  scope: '',
};

function setStatus(text, kind = '') {
  $('status').textContent = text;
  $('status').dataset.kind = kind;
}

// --- editors and validation

async function check(text) {
  const list = $('diagnostics');
  let found;
  try {
    const result = await tools.call({ cmd: 'validate', definition: text, type: app.setup.type });
    found = result.diagnostics;
  } catch (e) {
    found = [{ severity: 'ERROR', code: e.name, message: e.message }];
  }
  list.replaceChildren(...found.map((d) => {
    const at = locate(text, d.location);
    const { line, column } = lineColumn(text, at.from);
    const item = el('li', { class: d.severity === 'WARNING' ? 'warning' : 'error', tabindex: 0, title: 'Go to the line' },
      el('span', { class: 'where', text: `${line}:${column}` }), ' ', el('strong', { text: d.code }), ' ', d.message,
      d.location && !d.location.startsWith('[') ? el('code', { class: 'muted', text: ` ${d.location}` }) : '');
    const go = () => definitionEditor.reveal(at.from);
    item.addEventListener('click', go);
    item.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') go(); });
    return item;
  }));
  list.dataset.result = found.some((d) => d.severity !== 'WARNING') ? 'FAIL' : 'OK';
  if (!found.length) list.append(el('li', { class: 'ok', text: 'Valid: ValidateStateMachineDefinition finds nothing wrong.' }));
  return found.map((d) => ({ ...locate(text, d.location), severity: d.severity === 'WARNING' ? 'warning' : 'error', message: `${d.code}: ${d.message}` }));
}

function checkInput(text) {
  try {
    JSON.parse(text);
    return [];
  } catch (e) {
    const m = /position (\d+)/.exec(e.message);
    const at = m ? Math.min(+m[1], text.length) : 0;
    return [{ from: Math.max(0, at - 1), to: Math.max(at, 1), severity: 'error', message: `Not JSON: ${e.message}` }];
  }
}

const definitionEditor = createEditor($('definition'), {
  doc: '', label: 'State machine definition', check, onRun: () => run(),
  onChange: (text) => { app.setup.definition = text; definitionChanged(); },
});
const inputEditor = createEditor($('input'), {
  doc: '', label: 'Execution input', check: async (t) => checkInput(t), onRun: () => run(),
  onChange: (text) => { app.setup.input = text; saveUrl(); },
});

// --- views

const graph = new GraphView($('graph'), (name) => select(name, null, true));
const result = new ResultView($('result'));
const tabs = new Tabs(document.querySelector('.tabs'));
const trace = new TraceView($('panel-events'), { onSelectState: (name, id) => select(name, id, false), onScope: (p) => openScope(p, false) });
const logs = new LogsView($('panel-logs'));
const dataflow = new DataFlowView($('panel-state'), { tools, onScope: (p) => openScope(p, true) });
const mocks = new MocksView($('panel-mocks'), (config, machine, testCase) => {
  app.setup.mocks = config;
  if (machine) { app.setup.machineName = machine; $('machine-name').value = machine; }
  if (testCase) app.setup.testCase = testCase;
  saveUrl();
});
const callbacks = new CallbackView($('callback'), (msg) => runner.send({ cmd: 'sendTask', ...msg }));
new ReplayView($('panel-replay'), replay);

function saveUrl() {
  writeToUrl(app.setup);
}

let redraw;
function definitionChanged() {
  saveUrl();
  clearTimeout(redraw);
  redraw = setTimeout(() => {
    try {
      app.parsed = JSON.parse(app.setup.definition);
    } catch {
      return; // keep the last graph while the text is not JSON
    }
    app.model = buildModel(app.parsed);
    markExample();
    graph.draw(app.model);
    showStatuses();
    mocks.set(app.parsed, app.setup.mocks, app.setup.machineName, app.setup.testCase);
  }, 200);
}

function showStatuses() {
  graph.setStatus(app.session ? app.session.statuses(app.scope) : null);
  graph.select(app.selected);
}

/** Selects a state (from the graph or a trace row) and shows its data flow. */
function select(name, eventId, fromGraph) {
  app.selected = name;
  graph.select(name);
  if (fromGraph) {
    trace.showState(name);
    tabs.show('tab-state');
  } else {
    graph.reveal(name);
  }
  const node = allStates(app.model).get(name);
  const s = app.session;
  if (!s) {
    dataflow.show({ name, node, visits: [] });
    return;
  }
  if (app.setup.definition.includes('"Assign"')) {
    dataflow.clear('Rebuilding the workflow variables by replaying the earlier states through TestState…');
    showWithVariables(name, node, s, eventId).catch(() => {});
  } else {
    dataflow.show({ name, node, definition: app.setup.definition, visits: s.visits(name), events: s.lookup, pick: eventId, childResults: (v) => s.childResults(name, v) }).catch(() => {});
  }
}

/** Workflow variables are not in the history: rebuild them by replaying the earlier states through TestState. */
async function variablesBefore(s, visit) {
  let vars = '{}';
  for (const { name, visit: v } of s.visitsBefore(visit)) {
    const request = { definition: app.setup.definition, stateName: name, input: v.input ?? '{}', inspectionLevel: 'DEBUG', variables: vars };
    const node = allStates(app.model).get(name);
    if (node?.type === 'Task') request.mock = { result: v.result ?? '{}' };
    else if (node?.type === 'Map' || node?.type === 'Parallel') request.mock = { result: s.childResults(name, v) ?? '[]' };
    try {
      const answer = await tools.call({ cmd: 'testState', request });
      vars = answer.inspectionData?.variables ?? vars;
    } catch {
      // Keep what we have.
    }
  }
  return vars;
}

async function showWithVariables(name, node, s, eventId) {
  const visits = s.visits(name);
  const cache = new Map();
  for (const v of visits) cache.set(v, await variablesBefore(s, v));
  if (app.selected !== name || app.session !== s) return;
  await dataflow.show({ name, node, definition: app.setup.definition, visits, events: s.lookup, pick: eventId, variables: (v) => cache.get(v), childResults: (v) => s.childResults(name, v) });
}

/** Shows one branch or Map iteration: the graph's statuses and the trace for it alone. */
function openScope(path, fromDataflow) {
  app.scope = path;
  if (fromDataflow) {
    trace.scopeFilter.value = path;
    trace.render();
    tabs.show('tab-events');
  }
  showStatuses();
}

// --- runs

function stopRunning() {
  app.running = false;
  $('stop').disabled = true;
  if (app.session) app.session.running = false;
}

function setRunning(on) {
  app.running = on;
  $('stop').disabled = !on;
}

async function run(mode) {
  if (app.running) await stop(true);
  const settings = readSettings();
  Object.assign(app.setup, settings);
  mode ??= settings.type === 'EXPRESS' ? 'sync' : 'async';
  if (settings.type === 'STANDARD' && mode === 'sync') mode = 'async';
  const model = app.model;
  const session = new Session(model, { type: settings.type, mode, region: settings.region });
  app.session = session;
  app.scope = '';
  trace.clear();
  logs.clear(settings.logLevel);
  callbacks.clear();
  dataflow.clear();
  result.started({ executionArn: null, mode, type: settings.type });
  setRunning(true);
  setStatus(mode === 'sync' ? `running: StartSyncExecution (${settings.caller} caller)` : 'running: StartExecution', 'running');
  showStatuses();
  const example = EXAMPLES.find((e) => JSON.stringify(e.definition) === JSON.stringify(app.parsed));
  const req = {
    ...settings, mode, definition: app.setup.definition, input: app.setup.input,
    mockConfig: app.setup.mocks, testCase: app.setup.testCase, children: app.setup.children,
  };
  runner.start(req, (msg) => {
    if (app.session !== session) return;
    onRunMessage(session, msg, example);
  }).catch((e) => result.error('WorkerError', e.message));
}

function onRunMessage(session, msg, example) {
  switch (msg.kind) {
    case 'started':
      result.started({ executionArn: msg.executionArn, mode: session.mode, type: session.type });
      break;
    case 'events':
      session.addEvents(msg.events, msg.total, msg.snapshot);
      if (trace.events.length === 0) trace.set(session.events.slice(), session.reader.info, session.total);
      else trace.append(msg.events, session.total);
      showStatuses();
      setStatus(`running: ${msg.total} events`, 'running');
      break;
    case 'logs':
      logs.add(msg);
      break;
    case 'historyUnavailable':
      session.historyGone = true;
      trace.unavailable(msg.name, msg.message);
      break;
    case 'token':
      callbacks.add(msg, example?.callback?.output ?? {});
      setStatus(`waiting: ${msg.stateName} waits for its task token`, 'running');
      break;
    case 'taskSent':
      callbacks.sent(msg);
      break;
    case 'consoleTimeout':
      result.consoleTimeout(msg.message);
      setStatus('console request timed out at 60 s; the execution goes on', 'running');
      break;
    case 'done': {
      session.result = msg.result;
      stopRunning();
      // Counted from the history: not known when it could not be read whole.
      const transitions = session.historyGone ? null : session.transitions;
      result.done(msg.result, { type: session.type, region: session.region, transitions, afterConsoleTimeout: msg.result.afterConsoleTimeout });
      showStatuses();
      setStatus(`done: ${msg.result.status}`, msg.result.status === 'SUCCEEDED' ? 'ok' : 'bad');
      break;
    }
    case 'error':
      stopRunning();
      result.error(msg.name, msg.message, msg.diagnostics);
      setStatus(`error: ${msg.name}`, 'bad');
      break;
    default:
  }
}

async function stop(quiet) {
  if (!app.running) return;
  stopRunning();
  const stopped = runner.stop();
  if (!quiet) {
    result.stopped();
    setStatus('stopped', 'bad');
  }
  await stopped;
}

// --- replay

function replay({ events, records }) {
  if (app.running) stop(true);
  const session = new Session(app.model, { type: app.setup.type, mode: 'replay', region: app.setup.region });
  session.addEvents(events, events.length);
  session.running = false;
  app.session = session;
  app.scope = '';
  trace.set(session.events.slice(), session.reader.info, session.total);
  if (records) logs.setRecords(records);
  else logs.clear('ALL');
  callbacks.clear();
  const end = session.reader.end;
  const d = end?.details ?? {};
  const status = { ExecutionSucceeded: 'SUCCEEDED', ExecutionFailed: 'FAILED', ExecutionTimedOut: 'TIMED_OUT', ExecutionAborted: 'ABORTED' }[end?.type] ?? 'RUNNING';
  result.done({ status, output: d.output, error: d.error, cause: d.cause, startDate: events[0]?.timestamp, stopDate: events.at(-1)?.timestamp },
    { type: app.setup.type, region: app.setup.region, transitions: session.transitions });
  showStatuses();
  tabs.show('tab-events');
  setStatus(`replayed ${events.length} events from AWS`, 'ok');
}

// --- setup, examples, sharing

function applySetup(setup) {
  app.setup = setup;
  showSettings(setup);
  definitionEditor.set(setup.definition);
  inputEditor.set(setup.input);
  updateTypeButtons();
  app.parsed = null;
  definitionChanged();
}

function loadExample(ex) {
  const setup = sanitize({
    ...app.setup, ...DEFAULTS, ...(ex.settings ?? {}), region: app.setup.region,
    definition: JSON.stringify(ex.definition, null, 2), input: JSON.stringify(ex.input, null, 2),
    type: ex.type ?? 'EXPRESS', mocks: ex.mocks ?? null, children: ex.children ?? null,
  });
  app.session = null;
  result.clear();
  trace.clear();
  logs.clear(setup.logLevel);
  dataflow.clear();
  callbacks.clear();
  applySetup(setup);
}

function updateTypeButtons() {
  const standard = readSettings().type === 'STANDARD';
  $('run-sync').disabled = standard;
  $('run-sync').title = standard ? 'StartSyncExecution is for Express state machines only' : 'StartSyncExecution (Ctrl/Cmd+Enter)';
  $('caller').disabled = standard;
  $('run-async').textContent = standard ? 'Start execution' : 'Start asynchronously';
}

for (const [i, ex] of EXAMPLES.entries()) $('example').append(el('option', { value: i, text: ex.name }));
$('example').addEventListener('change', () => {
  const ex = EXAMPLES[+$('example').value];
  if (ex) loadExample(ex);
});
function markExample() {
  const i = EXAMPLES.findIndex((e) => JSON.stringify(e.definition) === JSON.stringify(app.parsed));
  $('example').value = i >= 0 ? String(i) : '';
}
fillRegions();
for (const id of ['caller', 'clock', 'log-level', 'include-data', 'seed', 'region', 'machine-name']) {
  $(id).addEventListener('change', () => { Object.assign(app.setup, readSettings()); saveUrl(); });
}
for (const r of document.querySelectorAll('input[name="type"]')) {
  r.addEventListener('change', () => { Object.assign(app.setup, readSettings()); updateTypeButtons(); saveUrl(); definitionEditor.relint(); });
}
$('run-bar').addEventListener('submit', (ev) => ev.preventDefault());
$('run-sync').addEventListener('click', () => run('sync'));
$('run-async').addEventListener('click', () => run('async'));
$('stop').addEventListener('click', () => stop(false));
$('zoom-in').addEventListener('click', () => graph.zoom(1.25));
$('zoom-out').addEventListener('click', () => graph.zoom(0.8));
$('zoom-fit').addEventListener('click', () => graph.fit());
$('open-replay').addEventListener('click', () => { tabs.show('tab-replay'); $('replay-text').focus(); });
$('download-definition').addEventListener('click', () => download(`${app.setup.machineName}.asl.json`, `${app.setup.definition}\n`));
/** Copies text and shows it, selected, so that it can be copied by hand when the clipboard is refused. */
async function copyOut(button, text) {
  const ok = await copy(text);
  $('copy-label').textContent = ok ? `Copied (${button.textContent}):` : 'The clipboard was refused: select and copy this text.';
  $('copy-text').value = text;
  $('copy-out').hidden = false;
  $('copy-text').select();
}
$('copy-close').addEventListener('click', () => { $('copy-out').hidden = true; });
$('copy-link').addEventListener('click', () => { flushUrl(app.setup); copyOut($('copy-link'), linkFor(app.setup)); });
$('copy-create').addEventListener('click', () => copyOut($('copy-create'), cliCommands(app.setup).create));
$('copy-start').addEventListener('click', () => copyOut($('copy-start'), cliCommands(app.setup).start));

document.addEventListener('keydown', (ev) => {
  if (ev.defaultPrevented) return; // an editor's own Ctrl/Cmd+Enter already ran it
  if ((ev.ctrlKey || ev.metaKey) && ev.key === 'Enter') {
    ev.preventDefault();
    run();
  } else if (ev.key === 'Escape' && app.running) {
    ev.preventDefault();
    stop(false);
  }
});

// Start: the shared setup in the URL, else the first example.
const shared = readFromUrl();
if (shared) applySetup(sanitize({ ...DEFAULTS, ...shared }));
else {
  app.setup = sanitize(DEFAULTS);
  loadExample(EXAMPLES[0]);
}
try {
  const ready = await runner.ready;
  $('version').textContent = `v${ready.version}`;
  $('run-async').disabled = false;
  updateTypeButtons();
  setStatus('ready', 'ok');
} catch (e) {
  setStatus(`failed to load the WebAssembly module: ${e.message}`, 'bad');
}
// For the end-to-end tests: the URL written at once.
window.aslPlayground = { flushUrl: () => flushUrl(app.setup) };
