// The page's setup: what a shared link carries (definition, input, mocks, nested machines and
// settings), read from and written to the controls. Anything read from a URL is checked, since a
// link can hold anything.
import { $ } from './dom.js';
import { PRICES } from './prices.js';

export const DEFAULTS = {
  type: 'EXPRESS', caller: 'console', clock: 'virtual', logLevel: 'ALL', includeExecutionData: true, seed: 0,
  region: 'us-east-1', machineName: 'Playground', testCase: 'Playground', mocks: null, children: null,
};

const choice = (v, allowed, fallback) => (allowed.includes(v) ? v : fallback);

/** A setup from untrusted data (a URL): known fields of the right types, defaults for the rest. */
export function sanitize(raw) {
  const s = raw && typeof raw === 'object' ? raw : {};
  const text = (v, fallback) => (typeof v === 'string' ? v : fallback);
  const object = (v) => (v && typeof v === 'object' && !Array.isArray(v) ? v : null);
  const name = (v, fallback) => (typeof v === 'string' && /^[\w.-]{1,80}$/.test(v) ? v : fallback);
  return {
    definition: text(s.definition, ''),
    input: text(s.input, '{}'),
    type: choice(s.type, ['EXPRESS', 'STANDARD'], DEFAULTS.type),
    caller: choice(s.caller, ['console', 'sdk'], DEFAULTS.caller),
    clock: choice(s.clock, ['virtual', 'real'], DEFAULTS.clock),
    logLevel: choice(s.logLevel, ['ALL', 'ERROR', 'FATAL', 'OFF'], DEFAULTS.logLevel),
    includeExecutionData: typeof s.includeExecutionData === 'boolean' ? s.includeExecutionData : DEFAULTS.includeExecutionData,
    seed: Number.isSafeInteger(s.seed) && s.seed >= 0 ? s.seed : 0,
    region: choice(s.region, Object.keys(PRICES), DEFAULTS.region),
    machineName: name(s.machineName, DEFAULTS.machineName),
    testCase: name(s.testCase, DEFAULTS.testCase),
    mocks: object(s.mocks),
    children: object(s.children),
  };
}

/** Fills the settings controls. */
export function showSettings(s) {
  for (const r of document.querySelectorAll('input[name="type"]')) r.checked = r.value === s.type;
  $('caller').value = s.caller;
  $('clock').value = s.clock;
  $('log-level').value = s.logLevel;
  $('include-data').checked = s.includeExecutionData;
  $('seed').value = String(s.seed);
  $('region').value = s.region;
  $('machine-name').value = s.machineName;
}

/** Reads the settings controls. */
export function readSettings() {
  const seed = Number.parseInt($('seed').value, 10);
  return {
    type: document.querySelector('input[name="type"]:checked')?.value ?? 'EXPRESS',
    caller: $('caller').value,
    clock: $('clock').value,
    logLevel: $('log-level').value,
    includeExecutionData: $('include-data').checked,
    seed: Number.isSafeInteger(seed) && seed >= 0 ? seed : 0,
    region: $('region').value,
    machineName: /^[\w.-]{1,80}$/.test($('machine-name').value) ? $('machine-name').value : 'Playground',
  };
}

/** The region menu, from the price table. */
export function fillRegions() {
  const select = $('region');
  for (const [code, p] of Object.entries(PRICES)) select.append(new Option(`${code} · ${p.name}`, code));
}
