// Reads an execution's history events (AWS's GetExecutionHistory shape) as they come: which state
// and which branch or Map iteration each event belongs to (through previousEventId, as AWS links
// them), each state's status and counts, the visits of each state, and the transitions taken.
// Used live by the run worker and by the page for replays.

/** The details object of a history event (`...EventDetails`), or `{}`. */
export function detailsOf(event) {
  for (const k in event) if (k.endsWith('EventDetails') && event[k]) return event[k];
  return {};
}

const END_TYPES = new Set(['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionTimedOut', 'ExecutionAborted']);
const RETRY_START = /(Scheduled|StateStarted)$/;
const FAILURE = /(Failed|TimedOut)$/;

/** Where each state sits in a graph model (model.js): name -> {scope, terminal, branchIndex}. */
export function placesOf(model) {
  const places = new Map();
  const walk = (scope, branchIndex) => {
    const terminals = new Set(scope.edges.filter((e) => e.to === `${scope.id}::end`).map((e) => e.from));
    for (const node of scope.states) {
      if (!places.has(node.name)) places.set(node.name, { scope: scope.id, terminal: terminals.has(node.name), branchIndex, node });
      node.scopes.forEach((s, i) => walk(s, i));
    }
  };
  walk(model, 0);
  return places;
}

/** Follows a growing history: `add(events)` then `snapshot()`. */
export class HistoryReader {
  constructor(places = new Map()) {
    this.places = places;
    this.info = new Map(); // event id -> {state, path, type}
    this.states = new Map(); // name -> counters
    this.taken = new Set();
    this.paths = new Set();
    this.count = 0;
    this.transitions = 0;
    this.end = null;
    this.firstTime = null;
    this.openVisits = new Map(); // name + path -> visit
  }

  stateOf(name) {
    let s = this.states.get(name);
    if (!s) {
      s = { entered: 0, open: 0, exited: 0, failures: 0, retried: 0, caught: 0, pending: false, failed: false, visits: [] };
      this.states.set(name, s);
    }
    return s;
  }

  add(events) {
    for (const e of events) this.addOne(e);
  }

  addOne(e) {
    this.count++;
    const d = detailsOf(e);
    const prev = this.info.get(e.previousEventId);
    const type = String(e.type);
    if (this.firstTime === null) this.firstTime = +new Date(e.timestamp);
    let state = prev?.state ?? null;
    let path = prev?.path ?? '';
    if (/State(Entered|Exited)$/.test(type) || type.startsWith('MapIteration')) state = d.name ?? state;
    if (type.endsWith('StateEntered') && prev?.type === 'ParallelStateStarted') {
      path = `${prev.path}/${prev.state}[${this.places.get(state)?.branchIndex ?? 0}]`;
    } else if (type === 'MapIterationStarted') {
      path = `${prev?.path ?? ''}/${state}[${d.index}]`;
    }
    // The branch or iteration scope of an Entered event ends where its state was entered.
    if (type.endsWith('StateExited') && prev && this.openVisits.has(`${state}\u0000${prev.path}`)) path = prev.path;
    const info = { state, path, type };
    this.info.set(e.id, info);
    if (path) this.paths.add(path);
    if (END_TYPES.has(type)) this.end = { type, details: d, id: e.id };
    if (!state) return;
    const s = this.stateOf(state);
    const key = `${state}\u0000${path}`;
    if (type.endsWith('StateEntered')) {
      s.entered++;
      s.open++;
      s.pending = false;
      this.transitions++;
      const visit = { enteredId: e.id, path, time: +new Date(e.timestamp), input: d.input, events: [e.id] };
      s.visits.push(visit);
      this.openVisits.set(key, visit);
      if (type === 'FailStateEntered') s.failed = true;
      if (type === 'WaitStateEntered') s.waitUntil = waitEnd(this.places.get(state)?.node?.state, d.input, +new Date(e.timestamp));
      this.markEdgeInto(state, prev);
      return;
    }
    const visit = this.openVisits.get(key);
    visit?.events.push(e.id);
    if (type.endsWith('StateExited')) {
      s.open = Math.max(0, s.open - 1);
      s.exited++;
      const caught = s.pending;
      if (caught) s.caught++;
      s.pending = false;
      if (visit) {
        visit.exitedId = e.id;
        visit.output = d.output;
        this.openVisits.delete(key);
      }
      const place = this.places.get(state);
      if (place?.terminal && !caught) this.taken.add(`${state}\u0000${place.scope}::end`);
    } else if (type.startsWith('MapIteration')) {
      const it = (s.iterations ??= { total: 0, succeeded: 0, failed: 0, running: 0 });
      if (type === 'MapIterationStarted') { it.total++; it.running++; }
      else if (type === 'MapIterationSucceeded') { it.succeeded++; it.running--; }
      else { it.failed++; it.running--; }
    } else if (type === 'MapRunStarted') {
      s.mapRun = d.mapRunArn ?? true;
    } else if (FAILURE.test(type) && !type.startsWith('Execution')) {
      s.failures++;
      s.pending = true;
      if (visit) (visit.failures ??= []).push(e.id);
    } else if (RETRY_START.test(type) && s.pending) {
      s.retried++;
      this.transitions++;
      s.pending = false;
      if (visit) visit.retries = (visit.retries ?? 0) + 1;
    } else if (/Succeeded$/.test(type) && visit && d.output !== undefined) {
      visit.result = d.output;
    }
  }

  markEdgeInto(state, prev) {
    const place = this.places.get(state);
    if (prev?.type.endsWith('StateExited') && prev.state) this.taken.add(`${prev.state}\u0000${state}`);
    else this.taken.add(`${place?.scope ?? ''}::start\u0000${state}`);
    if (place?.node.type === 'Fail') this.taken.add(`${state}\u0000${place.scope}::end`);
  }

  /** The statuses now: `{states: Map(name -> {status, ...counts}), taken, end, count, transitions}`. */
  snapshot() {
    const ended = this.end !== null;
    const failedEnd = ended && this.end.type !== 'ExecutionSucceeded';
    const states = new Map();
    for (const [name, s] of this.states) {
      let status;
      if (s.failed || (ended && s.pending) || (failedEnd && s.open > 0)) status = 'failed';
      else if (s.open > 0 || (s.pending && !ended)) status = 'running';
      else if (s.caught) status = 'caught';
      else if (s.retried) status = 'retried';
      else if (s.entered || s.iterations) status = 'succeeded';
      else status = 'none';
      states.set(name, {
        status, entered: s.entered, exited: s.exited, failures: s.failures, retried: s.retried, caught: s.caught,
        iterations: s.iterations ? { ...s.iterations } : undefined, mapRun: s.mapRun,
        waitUntil: s.open > 0 ? s.waitUntil : undefined,
      });
    }
    return { states, taken: new Set(this.taken), end: this.end, count: this.count, transitions: this.transitions };
  }
}

/** When a Wait state entered at `time` with `input` ends, if its definition says (else undefined). */
export function waitEnd(state, input, time) {
  if (!state) return undefined;
  const at = (path) => {
    if (typeof path !== 'string' || !/^\$(\.[A-Za-z_][\w]*)*$/.test(path)) return undefined;
    try {
      return path.split('.').slice(1).reduce((v, k) => v?.[k], JSON.parse(input));
    } catch {
      return undefined;
    }
  };
  const seconds = typeof state.Seconds === 'number' ? state.Seconds : at(state.SecondsPath);
  if (typeof seconds === 'number') return time + seconds * 1000;
  const stamp = typeof state.Timestamp === 'string' && !state.Timestamp.startsWith('{%') ? state.Timestamp : at(state.TimestampPath);
  const t = typeof stamp === 'string' ? Date.parse(stamp) : NaN;
  return Number.isFinite(t) ? t : undefined;
}
