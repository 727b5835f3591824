// Helpers for the end-to-end checks: open the page and collect its problems, type into the
// CodeMirror editors as a user does, run, and wait for the result.

/** A fresh page at the playground, ready to run; `problems` collects console errors, uncaught
 *  exceptions, CSP violations and dialogs. */
export async function openPage({ context, base, timeout }, path = '/index.html') {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console.error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('dialog', (d) => { problems.push(`dialog: ${d.type()} ${d.message()}`); d.dismiss().catch(() => {}); });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(`${base}${path}`);
  await page.waitForFunction(() => document.getElementById('status').textContent === 'ready', null, { timeout });
  return { page, problems };
}

/** Replaces an editor's text (`#definition` or `#input`) by typing into it. */
export async function setEditor(page, id, text) {
  const content = page.locator(`#${id} .cm-content`);
  await content.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

/** The text of an editor. */
export function editorText(page, id) {
  return page.locator(`#${id} .cm-content`).evaluate((el) => el.cmView?.view?.state.doc.toString() ?? [...el.querySelectorAll('.cm-line')].map((l) => l.textContent).join('\n'));
}

/** Chooses an example by its name and waits for its graph. */
export async function loadExample(page, name) {
  await page.selectOption('#example', { label: name });
  await page.waitForFunction(() => document.querySelectorAll('#graph .state').length > 0);
  await page.waitForTimeout(250);
}

/** Waits until the run ends and returns the status word in the result. */
export async function waitDone(page, timeout = 15_000) {
  await page.waitForFunction(() => /^(done|error|stopped)/.test(document.getElementById('status').textContent), null, { timeout });
  return page.textContent('#result-status').catch(() => '');
}

/** Node status of each state in the graph: {name: status}. */
export function statuses(page) {
  return page.$$eval('#graph .state', (gs) => Object.fromEntries(gs.map((g) => [g.dataset.state, g.dataset.status ?? 'none'])));
}

export function assert(ok, message) {
  if (!ok) throw new Error(message);
}

export function assertEqual(actual, expected, what) {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

/** Fails if the page had any problem; closes it. */
export async function finish({ page, problems }) {
  await page.close();
  if (problems.length) throw new Error(problems.join('\n'));
}
