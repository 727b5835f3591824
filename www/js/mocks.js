// The Task mocks panel: for each Task state, the responses of its invocations in order (a return
// value or an error), kept as a Step Functions Local mock config (test case `testCase` of machine
// `machine`), which can be downloaded, uploaded or edited as JSON.
import { el, download } from './dom.js';
import { mockConfig } from './examples.js';

/** Task states of a definition, nested ones included: [{name, resource}]. */
export function taskStates(definition) {
  const found = [];
  const walk = (machine) => {
    const states = machine?.States;
    if (!states || typeof states !== 'object') return;
    for (const [name, s] of Object.entries(states)) {
      if (s?.Type === 'Task') found.push({ name, resource: String(s.Resource ?? '') });
      (Array.isArray(s?.Branches) ? s.Branches : []).forEach(walk);
      walk(s?.ItemProcessor ?? s?.Iterator);
    }
  };
  walk(definition);
  return found;
}

/** The responses of a state in a config: [{Return} | {Throw}] by invocation, ranges expanded. */
export function responsesOf(config, machine, testCase, state) {
  const name = config?.StateMachines?.[machine]?.TestCases?.[testCase]?.[state];
  const byKey = name ? config?.MockedResponses?.[name] : null;
  if (!byKey || typeof byKey !== 'object') return [];
  const out = [];
  for (const [key, response] of Object.entries(byKey)) {
    const [a, b] = key.split('-').map(Number);
    for (let i = a; i <= (Number.isFinite(b) ? b : a) && i < 100; i++) out[i] = response;
  }
  return Array.from(out, (r) => r ?? { Return: {} });
}

export class MocksView {
  /** `onChange(config)` runs after every edit. */
  constructor(panel, onChange) {
    this.panel = panel;
    this.onChange = onChange;
    this.config = null;
    this.machine = 'Playground';
    this.testCase = 'Playground';
    this.tasks = [];
    this.list = el('div', { class: 'mock-list' });
    this.raw = el('textarea', { class: 'raw', rows: 8, spellcheck: 'false', 'aria-label': 'Mock config as JSON' });
    this.rawError = el('p', { class: 'error-text', 'aria-live': 'polite' });
    this.file = el('input', { type: 'file', accept: '.json,application/json', hidden: true, onchange: () => this.upload() });
    panel.append(
      el('p', { class: 'muted' }, 'Each Task state answers from its mocked responses in order (as Step Functions Local does); a Task with none fails with States.TaskFailed.'),
      this.list,
      el('div', { class: 'row' },
        el('button', { type: 'button', onclick: () => download('MockConfigFile.json', `${JSON.stringify(this.config ?? {}, null, 2)}\n`) }, 'Download mock config'),
        el('button', { type: 'button', onclick: () => this.file.click() }, 'Upload mock config'), this.file),
      el('details', {}, el('summary', { text: 'Mock config (JSON)' }), this.raw,
        el('button', { type: 'button', onclick: () => this.applyRaw() }, 'Apply JSON'), this.rawError));
  }

  /** Shows the Task states of this definition with the config's responses. */
  set(definition, config, machine, testCase) {
    this.tasks = taskStates(definition);
    this.config = config && typeof config === 'object' ? config : null;
    this.machine = machine;
    this.testCase = testCase;
    this.render();
  }

  render() {
    this.raw.value = this.config ? JSON.stringify(this.config, null, 2) : '';
    if (!this.tasks.length) {
      this.list.replaceChildren(el('p', { class: 'muted', text: 'This machine has no Task states.' }));
      return;
    }
    this.list.replaceChildren(...this.tasks.map(({ name, resource }) => {
      const responses = responsesOf(this.config, this.machine, this.testCase, name);
      const rows = responses.map((r, i) => this.responseRow(name, responses, i));
      return el('fieldset', { class: 'mock', dataset: { state: name } },
        el('legend', {}, el('strong', { text: name }), ' ', el('code', { class: 'muted', text: resource })),
        rows.length ? el('ol', { start: 0 }, ...rows) : el('p', { class: 'muted', text: 'No mock: this task fails with States.TaskFailed.' }),
        el('button', { type: 'button', class: 'add', onclick: () => this.update(name, [...responses, { Return: {} }]) }, 'Add response'));
    }));
  }

  responseRow(state, responses, i) {
    const r = responses[i];
    const isThrow = 'Throw' in r;
    const kind = el('select', { 'aria-label': `Invocation ${i}: return or throw` },
      el('option', { value: 'Return', text: 'Return', selected: !isThrow }), el('option', { value: 'Throw', text: 'Throw', selected: isThrow }));
    const value = el('textarea', { class: 'mock-return', rows: 2, spellcheck: 'false', 'aria-label': `Invocation ${i}: returned JSON`, hidden: isThrow });
    value.value = isThrow ? '{}' : JSON.stringify(r.Return);
    const error = el('input', { class: 'mock-error', 'aria-label': `Invocation ${i}: error`, placeholder: 'Error', hidden: !isThrow, value: r.Throw?.Error ?? '' });
    const cause = el('input', { class: 'mock-cause', 'aria-label': `Invocation ${i}: cause`, placeholder: 'Cause', hidden: !isThrow, value: r.Throw?.Cause ?? '' });
    const problem = el('span', { class: 'error-text' });
    const save = () => {
      const next = [...responses];
      if (kind.value === 'Throw') next[i] = { Throw: { Error: error.value, Cause: cause.value } };
      else {
        try {
          next[i] = { Return: JSON.parse(value.value) };
          problem.textContent = '';
        } catch (e) {
          problem.textContent = `not JSON: ${e.message}`;
          return;
        }
      }
      this.update(state, next, false);
    };
    kind.addEventListener('change', () => {
      const t = kind.value === 'Throw';
      value.hidden = t;
      error.hidden = !t;
      cause.hidden = !t;
      save();
    });
    for (const input of [value, error, cause]) input.addEventListener('input', save);
    const remove = el('button', { type: 'button', 'aria-label': `Remove invocation ${i}`, onclick: () => this.update(state, responses.filter((_, j) => j !== i)) }, '✕');
    return el('li', {}, el('span', { class: 'muted', text: `invocation ${i} ` }), kind, value, error, cause, remove, problem);
  }

  /** Replaces one state's responses, keeping the rest of the config. */
  update(state, responses, rerender = true) {
    const config = structuredClone(this.config ?? mockConfig(this.machine, this.testCase, {}));
    config.StateMachines ??= {};
    config.StateMachines[this.machine] ??= { TestCases: {} };
    config.StateMachines[this.machine].TestCases ??= {};
    const cases = (config.StateMachines[this.machine].TestCases[this.testCase] ??= {});
    config.MockedResponses ??= {};
    const name = cases[state] ?? `${state}Mock`;
    if (responses.length) {
      cases[state] = name;
      config.MockedResponses[name] = Object.fromEntries(responses.map((r, i) => [String(i), r]));
    } else {
      delete cases[state];
      delete config.MockedResponses[name];
    }
    this.config = config;
    if (rerender) this.render();
    else this.raw.value = JSON.stringify(config, null, 2);
    this.onChange(config);
  }

  applyRaw() {
    try {
      const config = this.raw.value.trim() ? JSON.parse(this.raw.value) : null;
      if (config !== null && (typeof config !== 'object' || Array.isArray(config))) throw new Error('a mock config is a JSON object');
      this.adopt(config);
      this.rawError.textContent = '';
    } catch (e) {
      this.rawError.textContent = e.message;
    }
  }

  async upload() {
    const f = this.file.files?.[0];
    if (!f) return;
    this.raw.value = await f.text();
    this.file.value = '';
    this.applyRaw();
  }

  /** Takes a whole config; with one machine and test case in it, the run uses those names. */
  adopt(config) {
    const machines = Object.keys(config?.StateMachines ?? {});
    if (machines.length === 1 && !(this.machine in config.StateMachines)) this.machine = machines[0];
    const cases = Object.keys(config?.StateMachines?.[this.machine]?.TestCases ?? {});
    if (cases.length && !cases.includes(this.testCase)) this.testCase = cases[0];
    this.config = config;
    this.render();
    this.onChange(config, this.machine, this.testCase);
  }
}
