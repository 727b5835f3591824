// Where a JSON pointer (`/States/Foo/Next`, as ValidateStateMachineDefinition's diagnostics give
// it) sits in JSON text: a small scanner that records the offsets of every key and value. It
// never throws; on text that is not JSON it knows the positions it passed before the error.

/** Offsets of each pointer in the text: `Map(pointer -> {from, to, keyFrom?})`. */
export function pointerOffsets(text) {
  const spans = new Map();
  let i = 0;
  const ws = () => { while (i < text.length && ' \t\r\n'.includes(text[i])) i++; };
  const string = () => {
    const start = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    try {
      return JSON.parse(text.slice(start, i));
    } catch {
      return text.slice(start + 1, i - 1);
    }
  };
  const escape = (k) => String(k).replaceAll('~', '~0').replaceAll('/', '~1');
  const value = (path, keyFrom) => {
    ws();
    const from = i;
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      while (i < text.length && text[i] !== '}') {
        ws();
        if (text[i] !== '"') throw new Error('key');
        const kFrom = i;
        const key = string();
        ws();
        if (text[i] !== ':') throw new Error(':');
        i++;
        value(`${path}/${escape(key)}`, kFrom);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== '}') throw new Error(',');
      }
      i++;
    } else if (c === '[') {
      i++;
      let n = 0;
      ws();
      while (i < text.length && text[i] !== ']') {
        value(`${path}/${n++}`);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== ']') throw new Error(',');
      }
      i++;
    } else if (c === '"') {
      string();
    } else if (c !== undefined) {
      while (i < text.length && !',}] \t\r\n'.includes(text[i])) i++;
    }
    spans.set(path, { from, to: Math.min(i, text.length), keyFrom });
  };
  try {
    value('');
  } catch {
    // Not JSON past this point: keep what was found.
  }
  return spans;
}

/** The offset range to mark for a diagnostic's location: the key of the pointed member (or the
 *  nearest enclosing one that exists), or the position Jackson's message names. */
export function locate(text, location) {
  if (typeof location !== 'string' || !text) return { from: 0, to: Math.min(text?.length ?? 0, 1) };
  const jackson = /line: (\d+), column: (\d+)/.exec(location);
  if (jackson) {
    const lines = text.split('\n');
    const line = Math.min(Math.max(1, +jackson[1]), lines.length);
    let offset = 0;
    for (let l = 0; l < line - 1; l++) offset += lines[l].length + 1;
    const pos = Math.min(offset + Math.max(0, +jackson[2] - 1), text.length);
    return { from: Math.max(0, pos - 1), to: Math.max(pos, 1) };
  }
  const spans = pointerOffsets(text);
  let path = location;
  while (path && !spans.has(path)) path = path.slice(0, path.lastIndexOf('/'));
  const span = spans.get(path) || spans.get('');
  if (!span) return { from: 0, to: Math.min(text.length, 1) };
  const from = span.keyFrom ?? span.from;
  const lineEnd = text.indexOf('\n', from);
  return { from, to: Math.max(from + 1, Math.min(span.to, lineEnd === -1 ? text.length : lineEnd)) };
}

/** 1-based line and column of an offset. */
export function lineColumn(text, offset) {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}
