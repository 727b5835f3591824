// The graph of a state machine definition: each scope (the machine, a Parallel branch, a Map's
// ItemProcessor) has its states, its edges (Next, Choice rules and Default, Catch) and a Start and
// an End node. Tolerant of any input: what is not a state machine gives an empty scope.

/** The graph model of a parsed definition. */
export function buildModel(definition) {
  return scopeOf(definition, '', definition?.QueryLanguage);
}

/** Every state of the model, nested ones included: `Map(name -> node)`. */
export function allStates(scope, into = new Map()) {
  for (const node of scope.states) {
    if (!into.has(node.name)) into.set(node.name, node);
    for (const s of node.scopes) allStates(s, into);
  }
  return into;
}

function scopeOf(machine, id, language) {
  const scope = { id, startAt: null, states: [], edges: [] };
  if (!machine || typeof machine !== 'object' || !machine.States || typeof machine.States !== 'object') return scope;
  language = machine.QueryLanguage ?? language;
  const names = new Set(Object.keys(machine.States));
  scope.startAt = typeof machine.StartAt === 'string' ? machine.StartAt : null;
  const start = `${id}::start`;
  const end = `${id}::end`;
  if (names.has(scope.startAt)) scope.edges.push({ from: start, to: scope.startAt, kind: 'next' });
  let ends = false;
  for (const [name, state] of Object.entries(machine.States)) {
    const s = state && typeof state === 'object' ? state : {};
    const lang = s.QueryLanguage ?? language;
    const node = { name, type: typeof s.Type === 'string' ? s.Type : '?', scopes: [], distributed: false, state: s };
    if (s.Type === 'Parallel' && Array.isArray(s.Branches)) {
      node.scopes = s.Branches.map((b, i) => scopeOf(b, `${name}#${i}`, lang));
    } else if (s.Type === 'Map') {
      const proc = s.ItemProcessor ?? s.Iterator;
      node.distributed = proc?.ProcessorConfig?.Mode === 'DISTRIBUTED';
      node.scopes = [scopeOf(proc, `${name}#0`, lang)];
    }
    scope.states.push(node);
    const edge = (to, kind, label) => {
      if (typeof to === 'string' && names.has(to)) scope.edges.push({ from: name, to, kind, label });
    };
    if (s.Type === 'Choice') {
      (Array.isArray(s.Choices) ? s.Choices : []).forEach((rule, i) => edge(rule?.Next, 'choice', ruleLabel(rule, i)));
      edge(s.Default, 'default', 'Default');
    } else {
      edge(s.Next, 'next');
    }
    (Array.isArray(s.Catch) ? s.Catch : []).forEach((c) => {
      const errors = Array.isArray(c?.ErrorEquals) ? c.ErrorEquals.join(', ') : '';
      edge(c?.Next, 'catch', `Catch: ${errors}`);
    });
    if (s.End === true || s.Type === 'Succeed' || s.Type === 'Fail') {
      scope.edges.push({ from: name, to: end, kind: s.Type === 'Fail' ? 'fail' : 'next' });
      ends = true;
    }
  }
  scope.hasEnd = ends;
  return scope;
}

const OPS = {
  StringEquals: '==', StringLessThan: '<', StringGreaterThan: '>', StringLessThanEquals: '<=',
  StringGreaterThanEquals: '>=', StringMatches: 'matches', NumericEquals: '==', NumericLessThan: '<',
  NumericGreaterThan: '>', NumericLessThanEquals: '<=', NumericGreaterThanEquals: '>=', BooleanEquals: '==',
  TimestampEquals: '==', TimestampLessThan: '<', TimestampGreaterThan: '>', TimestampLessThanEquals: '<=',
  TimestampGreaterThanEquals: '>=', IsNull: 'is null', IsPresent: 'is present', IsNumeric: 'is numeric',
  IsString: 'is string', IsBoolean: 'is boolean', IsTimestamp: 'is timestamp',
};

/** A Choice rule in a few words: `$.n > 10`, `not ($.a == "x")`, the JSONata condition. */
export function ruleText(rule) {
  if (!rule || typeof rule !== 'object') return '?';
  if (typeof rule.Condition === 'string') return rule.Condition.replace(/^\{%\s*|\s*%\}$/g, '');
  if (Array.isArray(rule.And)) return rule.And.map((r) => `(${ruleText(r)})`).join(' and ');
  if (Array.isArray(rule.Or)) return rule.Or.map((r) => `(${ruleText(r)})`).join(' or ');
  if (rule.Not) return `not (${ruleText(rule.Not)})`;
  for (const [key, value] of Object.entries(rule)) {
    const base = key.endsWith('Path') ? key.slice(0, -4) : key;
    if (OPS[base]) {
      const op = OPS[base];
      if (op.startsWith('is ')) return `${rule.Variable} ${value === false ? op.replace('is', 'is not') : op}`;
      return `${rule.Variable} ${op} ${key.endsWith('Path') ? value : JSON.stringify(value)}`;
    }
  }
  return '?';
}

function ruleLabel(rule, i) {
  const text = ruleText(rule);
  return `Rule #${i + 1}: ${text}`;
}
