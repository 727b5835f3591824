// The JSON editors (CodeMirror 6): line numbers, syntax colours, brackets, and lint marks from a
// checker that runs as you type. Tab is left to the browser, so the keyboard can leave an editor.
import { basicSetup, EditorView, EditorState, keymap, json, linter, lintGutter, forceLinting } from '../vendor/codemirror.js';

/** An editor in `parent`: `{view, get(), set(text), focus(), relint()}`.
 *  `check(text)` resolves to `[{from, to, severity: 'error'|'warning', message}]`. */
export function createEditor(parent, { doc, label, onChange, check, onRun }) {
  const extensions = [
    keymap.of([{ key: 'Mod-Enter', run: () => { onRun?.(); return true; } }]),
    basicSetup,
    json(),
    EditorView.contentAttributes.of({ 'aria-label': label }),
    EditorView.theme({
      '&': { height: '100%', backgroundColor: '#fff' },
      '&.cm-focused': { outline: '3px solid #d4470f', outlineOffset: '-3px' },
      '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', fontSize: '12.5px' },
      '.cm-gutters': { backgroundColor: '#f6f8fa', color: '#57606a' },
    }),
    EditorView.updateListener.of((u) => { if (u.docChanged) onChange?.(u.state.doc.toString()); }),
  ];
  if (check) {
    extensions.push(lintGutter(), linter(async (view) => {
      const text = view.state.doc.toString();
      try {
        const found = await check(text);
        // The text may have changed while the check ran: keep the ranges inside the document.
        const len = view.state.doc.length;
        return found.map((d) => ({ ...d, from: Math.min(d.from, len), to: Math.min(Math.max(d.to, d.from), len) }));
      } catch {
        return [];
      }
    }, { delay: 300 }));
  }
  const root = parent.attachShadow({ mode: 'open' });
  const view = new EditorView({ parent: root, root, state: EditorState.create({ doc, extensions }) });
  return {
    view,
    get: () => view.state.doc.toString(),
    set(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    focus: () => view.focus(),
    relint: () => forceLinting(view),
    /** Puts the cursor at an offset and scrolls to it. */
    reveal(offset) {
      const pos = Math.min(offset, view.state.doc.length);
      view.dispatch({ selection: { anchor: pos }, effects: EditorView.scrollIntoView(pos, { y: 'center' }) });
      view.focus();
    },
  };
}
