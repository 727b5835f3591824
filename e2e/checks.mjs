// The end-to-end checks of the playground, in order: [name, async (env) => ...]. Each opens its own
// page; `finish` fails a check whose page logged an error, threw, broke the CSP or opened a dialog.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLES } from '../www/js/examples.js';
import { openPage, setEditor, editorText, loadExample, waitDone, statuses, assert, assertEqual, finish } from './page.mjs';

const shot = (env, page, name) => page.screenshot({ path: join(env.out, `${name}.png`) });

export const CHECKS = [
  ['the page loads with no console error, under its Content-Security-Policy', async (env) => {
    const p = await openPage(env);
    const csp = await p.page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    assert(csp.includes("script-src 'self' 'wasm-unsafe-eval'") && !csp.includes('unsafe-inline') && !/'unsafe-eval'/.test(csp), `CSP: ${csp}`);
    const version = await p.page.textContent('#version');
    assert(/^v\d+\.\d+\.\d+/.test(version), `version: ${version}`);
    assertEqual(await p.page.$$eval('#example option', (o) => o.length - 1), EXAMPLES.length, 'examples in the menu');
    assert(EXAMPLES.length >= 12, 'at least 12 examples');
    await p.page.waitForFunction(() => document.getElementById('diagnostics').dataset.result === 'OK');
    await shot(env, p.page, '01-loaded');
    await finish(p);
  }],

  ['each example runs to its expected status, in both modes', async (env) => {
    const p = await openPage(env);
    const { page } = p;
    await page.selectOption('#caller', 'sdk');
    for (const ex of EXAMPLES) {
      await loadExample(page, ex.name);
      const modes = ex.type === 'STANDARD' ? ['#run-async'] : ['#run-sync', '#run-async'];
      for (const button of modes) {
        await page.click(button);
        if (ex.callback) {
          await page.click('#callback .send-success');
        }
        const status = await waitDone(page);
        assertEqual(status, ex.expect, `${ex.name} with ${button}`);
      }
      if (ex.name === 'Retry and Catch') await shot(env, page, '02-retry-and-catch');
      if (ex.name === 'Parallel') await shot(env, page, '03-parallel');
    }
    await finish(p);
  }],

  ['the graph has a node per state and marks the path taken', async (env) => {
    const p = await openPage(env);
    const { page } = p;
    await loadExample(page, 'Choice');
    assertEqual(Object.keys(await statuses(page)).sort(), ['Big', 'Medium', 'Size?', 'Small'], 'nodes');
    assert(await page.locator('#graph .edge-label', { hasText: 'Default' }).count() === 1, 'the Default label');
    await page.click('#run-sync');
    assertEqual(await waitDone(page), 'SUCCEEDED', 'status');
    assertEqual(await statuses(page), { 'Size?': 'succeeded', Big: 'none', Medium: 'succeeded', Small: 'none' }, 'statuses');
    const taken = await page.$$eval('#graph .edge-group.taken', (es) => es.map((e) => `${e.dataset.from}>${e.dataset.to}`).sort());
    assertEqual(taken, ['::start>Size?', 'Medium>::end', 'Size?>Medium'], 'edges taken');
    await loadExample(page, 'Retry and Catch');
    assert(await page.locator('#graph path.kind-catch').count() === 2, 'two dashed Catch edges');
    await page.click('#run-sync');
    await waitDone(page);
    const s = await statuses(page);
    assertEqual([s['Charge card'], s.Ship, s.Refund], ['retried', 'caught', 'succeeded'], 'retried, caught');
    await loadExample(page, 'Inline Map');
    await page.click('#run-sync');
    await waitDone(page);
    const badge = await page.textContent('#graph .state[data-state="Each"] .badge');
    assertEqual(badge, '3/3 ✓', 'Map iteration counts');
    await page.selectOption('.filters select[aria-label="Branch or Map iteration"]', '/Each[0]');
    assertEqual((await statuses(page)).Other, 'none', 'iteration 0 took the First branch only');
    assertEqual((await statuses(page)).First, 'succeeded', 'iteration 0');
    await shot(env, page, '04-map-iteration');
    // A container's badge shares its title's line: the title makes room for it.
    await loadExample(page, 'Distributed Map (Standard)');
    await page.click('#run-async');
    assertEqual(await waitDone(page), 'SUCCEEDED', 'the distributed Map');
    const [title, mapBadge] = await page.$$eval('#graph .state[data-state="Fan out"] > text',
      (ts) => ['name', 'badge'].map((c) => { const t = ts.find((x) => x.classList.contains(c)); const r = t.getBBox(); return { text: t.textContent, right: r.x + r.width, left: r.x }; }));
    assertEqual([title.text, mapBadge.text], ['Fan out · Map (distributed)', 'Map Run'], 'title and badge');
    assert(title.right < mapBadge.left, `the title (to ${title.right}) ends before the badge (from ${mapBadge.left})`);
    await finish(p);
  }],

  ['a machine of 66 states stays readable, and the graph pans and zooms', async (env) => {
    const p = await openPage(env);
    const { page } = p;
    const States = {};
    for (let i = 0; i < 60; i++) {
      const next = i === 59 ? undefined : `Step ${i + 1}`;
      if (i % 10 === 5) {
        States[`Step ${i}`] = { Type: 'Choice', Choices: [{ Variable: '$.x', NumericGreaterThan: i, Next: next }], Default: `Side ${i}` };
        States[`Side ${i}`] = { Type: 'Pass', Next: next };
      } else States[`Step ${i}`] = next ? { Type: 'Pass', Next: next } : { Type: 'Succeed' };
    }
    await setEditor(page, 'definition', JSON.stringify({ StartAt: 'Step 0', States }, null, 1));
    await setEditor(page, 'input', '{"x": 100}');
    await page.waitForFunction(() => document.querySelectorAll('#graph .state').length === 66);
    const height = await page.$eval('#graph .state[data-state="Step 0"]', (g) => g.getBoundingClientRect().height);
    assert(height >= 25, `a node is ${height} px high`);
    await page.click('#run-sync');
    assertEqual(await waitDone(page), 'SUCCEEDED', 'status');
    const before = await page.$eval('#graph .viewport', (g) => g.getAttribute('transform'));
    await page.click('#zoom-in');
    await page.mouse.move(700, 300);
    await page.mouse.wheel(0, 300);
    const after = await page.$eval('#graph .viewport', (g) => g.getAttribute('transform'));
    assert(before !== after, 'the view moved');
    await shot(env, page, '13-large-graph');
    await finish(p);
  }],

  ['validation as you type marks the offending line', async (env) => {
    const p = await openPage(env);
    const { page } = p;
    await setEditor(page, 'definition', '{\n  "StartAt": "A",\n  "States": {\n    "A": {"Type": "Pass", "Next": "Nope"}\n  }\n}');
    await page.waitForFunction(() => document.getElementById('diagnostics').textContent.includes('MISSING_TRANSITION_TARGET'));
    const item = await page.textContent('#diagnostics li.error');
    assert(item.startsWith('4:'), `line of the diagnostic: ${item}`);
    await page.waitForSelector('#definition .cm-lintRange-error');
    await setEditor(page, 'definition', '{"StartAt": ');
    await page.waitForFunction(() => document.getElementById('diagnostics').textContent.includes('INVALID_JSON_DESCRIPTION'));
    await shot(env, page, '05-validation');
    await finish(p);
  }],

  ['an async start shows the ARN before the first log record, then the log buffer fills', async (env) => {
    const p = await openPage(env);
    const { page } = p;
    await loadExample(page, 'Wait');
    await page.click('#run-bar summary');
    await page.selectOption('#clock', 'real');
    await page.evaluate(() => {
      window.seen = [];
      new MutationObserver(() => {
        const arn = document.getElementById('execution-arn')?.textContent ?? '';
        if (arn.startsWith('arn:') && !window.seen.includes('arn')) window.seen.push('arn');
        if (document.querySelector('#panel-logs .records li') && !window.seen.includes('record')) window.seen.push('record');
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.click('#run-async');
    await page.waitForFunction(() => window.seen.includes('record'));
    assertEqual(await page.evaluate(() => window.seen), ['arn', 'record'], 'order');
    assert((await page.textContent('#execution-arn')).includes(':express:Playground:'), 'an Express execution ARN');
    assertEqual(await page.textContent('#status').then((s) => s.startsWith('running')), true, 'still running while the Wait waits');
    await page.click('#tab-logs');
    await shot(env, page, '06-async-logs');
    assertEqual(await waitDone(page, 20_000), 'SUCCEEDED', 'onDone result');
    const types = await page.$$eval('#panel-logs .records li', (lis) => lis.map((li) => li.dataset.type));
    assertEqual(types.at(-1), 'ExecutionSucceeded', 'last record');
    assert(await page.locator('#panel-logs .poll-log li').count() >= 2, 'several GetLogEvents calls');
    await finish(p);
  }],

  ['the console caller rejects at 60 s of a long Wait while the log later shows the end', async (env) => {
    const p = await openPage(env);
    const { page } = p;
    await loadExample(page, 'Long Wait: the console gives up at 60 s');
    assertEqual(await page.inputValue('#caller'), 'console', 'caller');
    await page.click('#run-sync');
    await page.waitForSelector('#console-timeout');
    assert((await page.textContent('#console-timeout')).includes('TimeoutError'), 'TimeoutError');
    assertEqual(await waitDone(page), 'SUCCEEDED', 'the end the execution reached');
    const types = await page.$$eval('#panel-logs .records li', (lis) => lis.map((li) => li.dataset.type));
    assertEqual(types.at(-1), 'ExecutionSucceeded', 'the log shows the end');
    const exited = await page.locator('#panel-events tr[data-type="WaitStateExited"] td:nth-child(2)').textContent();
    assertEqual(exited, '+90 s', 'the Wait ended at 90 s');
    await shot(env, page, '07-console-timeout');
    await finish(p);
  }],

  ['Stop (and Escape) ends a run on the real clock; a runaway loop ends on its budget; the next run works', async (env) => {
    const p = await openPage(env);
    const { page } = p;
    await setEditor(page, 'definition', '{"StartAt": "Long", "States": {"Long": {"Type": "Wait", "Seconds": 120, "End": true}}}');
    await setEditor(page, 'input', '{}');
    await page.click('#run-bar summary');
    await page.selectOption('#clock', 'real');
    await page.click('#run-sync');
    await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('running'));
    await page.waitForTimeout(1000);
    assertEqual(await page.textContent('#status').then((t) => t.startsWith('running')), true, 'a 120 s Wait on the real clock still running after 1 s');
    await page.click('#stop');
    await page.waitForFunction(() => document.getElementById('status').textContent === 'stopped');
    assertEqual(await page.isDisabled('#stop'), true, 'Stop disabled after stopping');
    await shot(env, page, '08-stopped');
    await page.keyboard.press('ControlOrMeta+Enter');
    await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('running'));
    await page.waitForTimeout(500);
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => document.getElementById('status').textContent === 'stopped');
    await page.selectOption('#clock', 'virtual');
    await loadExample(page, 'Runaway loop (a budget ends it)');
    await page.click('#run-sync');
    assertEqual(await waitDone(page, 60_000), 'FAILED', 'the runaway loop');
    const result = await page.textContent('#result');
    assert(result.includes('States.Runtime') && result.includes('log records exceeded the simulator\'s budget of 67108864 bytes'), `the budget's error in the result: ${result.slice(0, 400)}`);
    // Logging OFF, it runs to its transitions budget; its history, made when read, stops at the
    // history budget: the events read so far stay, with why.
    await page.selectOption('#log-level', 'OFF');
    await page.click('#run-sync');
    assertEqual(await waitDone(page, 60_000), 'FAILED', 'the runaway loop, logging OFF');
    const ended = await page.textContent('#result');
    assert(ended.includes('budget of 1000000 state transitions'), `the transitions budget in the result: ${ended.slice(0, 400)}`);
    assert(ended.includes('state transitions: not known') && !ended.includes('(0 transitions)'), `no transitions counted from a history not read: ${ended.slice(0, 400)}`);
    const gone = await page.textContent('#history-unavailable');
    assert(gone.includes('ValidationException') && gone.includes('budget of 67108864 bytes of history'), `the history's end: ${gone}`);
    await page.click('#tab-events');
    await shot(env, page, '08b-history-past-its-budget');
    await loadExample(page, 'Hello world');
    await page.click('#run-sync');
    assertEqual(await waitDone(page), 'SUCCEEDED', 'a run after Stop');
    await finish(p);
  }],

  ['a shared URL restores the same machine, input and settings', async (env) => {
    const p = await openPage(env);
    const { page } = p;
    const definition = '{"Comment": "shared", "StartAt": "Only", "States": {"Only": {"Type": "Pass", "Result": {"k": "ü ✓"}, "End": true}}}';
    await setEditor(page, 'definition', definition);
    await setEditor(page, 'input', '{"shared": [1, 2, 3]}');
    await page.click('#run-bar summary');
    await page.fill('#seed', '42');
    await page.dispatchEvent('#seed', 'change');
    await page.evaluate(() => window.aslPlayground.flushUrl());
    const url = page.url();
    assert(url.includes('#p='), `URL: ${url}`);
    await page.click('#copy-create');
    await page.waitForFunction(() => document.getElementById('copy-text').value.includes('create-state-machine'));
    const create = await page.inputValue('#copy-text');
    assert(create.startsWith('aws stepfunctions create-state-machine') && create.includes('--type EXPRESS') && create.includes('"Comment":"shared"'), `create: ${create}`);
    await page.click('#copy-start');
    await page.waitForFunction(() => document.getElementById('copy-text').value.startsWith('aws stepfunctions start-sync-execution'));
    await page.click('#copy-close');
    const q = await openPage(env, url.slice(env.base.length));
    assertEqual(await editorText(q.page, 'definition'), definition, 'definition');
    assertEqual(await editorText(q.page, 'input'), '{"shared": [1, 2, 3]}', 'input');
    assertEqual(await q.page.inputValue('#seed'), '42', 'seed');
    await q.page.click('#run-sync');
    assertEqual(await waitDone(q.page), 'SUCCEEDED', 'status');
    assertEqual(JSON.parse(await q.page.textContent('#result-output')), { k: 'ü ✓' }, 'output');
    await finish(q);
    await finish(p);
  }],

  ['a mock edited in the panel changes a Task\'s result', async (env) => {
    const p = await openPage(env);
    const { page } = p;
    await loadExample(page, 'Order with mocked Lambda tasks');
    await page.click('#run-sync');
    assertEqual(await waitDone(page), 'SUCCEEDED', 'with the example\'s mocks');
    await page.click('#tab-mocks');
    const area = page.locator('#panel-mocks fieldset[data-state="Validate"] textarea.mock-return').first();
    await area.fill('{"StatusCode": 200, "Payload": {"valid": false}}');
    await shot(env, page, '09-mocks');
    await page.click('#run-sync');
    assertEqual(await waitDone(page), 'FAILED', 'with the edited mock');
    assertEqual(JSON.parse(await page.textContent('#result-output')).error, 'InvalidOrder', 'error');
    const config = await page.inputValue('#panel-mocks textarea.raw');
    assert(JSON.parse(config).MockedResponses.ValidateMock['0'].Return.Payload.valid === false, 'the mock config holds the edit');
    await finish(p);
  }],

  ['the per-state data flow shows each step, retries and the catch', async (env) => {
    const p = await openPage(env);
    const { page } = p;
    await loadExample(page, 'Retry and Catch');
    await page.click('#run-sync');
    await waitDone(page);
    await page.click('#graph .state[data-state="Ship"]');
    await page.waitForFunction(() => document.getElementById('panel-state').textContent.includes('CAUGHT_ERROR'));
    const text = await page.textContent('#panel-state');
    assert(text.includes('CAUGHT_ERROR') && text.includes('next state Refund') && text.includes('NoStock'), `Ship: ${text}`);
    await shot(env, page, '10-data-flow');
    await loadExample(page, 'Parallel');
    await page.click('#run-sync');
    await waitDone(page);
    await page.click('#graph .state[data-state="Both"]');
    await page.waitForFunction(() => document.getElementById('panel-state').textContent.includes('After ResultSelector'));
    const both = await page.textContent('#panel-state');
    assert(both.includes('"40 and 2"') && both.includes('Branches (2)'), `Parallel: ${both}`);
    await page.click('#panel-state .chips button >> nth=1');
    assertEqual(await statuses(page).then((s) => [s.Add, s.Say]), ['none', 'succeeded'], 'branch 2 opened alone');
    await loadExample(page, 'JSONata with variables');
    await page.click('#run-sync');
    await waitDone(page);
    await page.click('#graph .state[data-state="Discount"]');
    await page.waitForFunction(() => document.getElementById('panel-state').textContent.includes('Variables assigned'));
    assert((await page.textContent('#panel-state')).includes('112.95'), 'the discounted total');
    await finish(p);
  }],

  ['a pasted AWS history and a CloudWatch log export render in the graph and trace', async (env) => {
    const p = await openPage(env);
    const { page } = p;
    await loadExample(page, 'Choice');
    await page.click('#open-replay');
    await page.fill('#replay-text', readFileSync(join(env.fixtures, 'aws-history.json'), 'utf8'));
    await page.click('#replay-go');
    await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('replayed'));
    assertEqual(await statuses(page), { 'Size?': 'succeeded', Big: 'none', Medium: 'succeeded', Small: 'none' }, 'history statuses');
    assertEqual(await page.locator('#panel-events tbody tr').count(), 6, 'trace rows');
    assertEqual(await page.textContent('#result-status'), 'SUCCEEDED', 'status');
    await shot(env, page, '11-replay');
    await page.click('#tab-replay');
    await page.fill('#replay-text', readFileSync(join(env.fixtures, 'aws-log-export.jsonl'), 'utf8'));
    await page.click('#replay-go');
    await page.waitForFunction(() => document.querySelectorAll('#panel-logs .records li').length === 6);
    assertEqual((await statuses(page)).Small, 'succeeded', 'log export statuses');
    await page.click('#tab-replay');
    await page.fill('#replay-text', 'not json at all');
    await page.click('#replay-go');
    assert((await page.textContent('#panel-replay .error-text')).length > 0, 'a readable error for bad input');
    await finish(p);
  }],

  ['a state named <img src=x onerror=alert(1)> renders as text and opens no dialog', async (env) => {
    const p = await openPage(env);
    const { page } = p;
    const name = '<img src=x onerror=alert(1)>';
    await setEditor(page, 'definition', JSON.stringify({ StartAt: name, States: { [name]: { Type: 'Fail', Error: name, Cause: '<b>bold</b>' } } }));
    await page.waitForFunction((n) => document.querySelector('#graph .state')?.dataset.state === n, name);
    await page.click('#run-sync');
    assertEqual(await waitDone(page), 'FAILED', 'status');
    assertEqual(await page.textContent('#graph .state .name'), name.slice(0, (await page.textContent('#graph .state .name')).length), 'the name as text');
    assert((await page.textContent('#result-output')).includes(name), 'the error as text');
    await page.click('#graph .state');
    await page.waitForTimeout(300);
    assertEqual(await page.evaluate(() => document.querySelectorAll('img, b').length), 0, 'no element made from the name');
    await finish(p);
  }],

  ['usable at 1280x800 and on a narrow window; keyboard focus shows', async (env) => {
    const p = await openPage(env);
    const { page } = p;
    await loadExample(page, 'Parallel');
    await page.click('#run-sync');
    await waitDone(page);
    const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth && document.documentElement.scrollHeight <= window.innerHeight + 1);
    assert(fits, 'the page fits 1280x800 without scrolling');
    await page.focus('#run-bar input[name="type"]:checked');
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert(outline !== 'none', 'focus outline');
    await page.setViewportSize({ width: 420, height: 900 });
    await page.waitForTimeout(300);
    assert(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'no sideways scrolling at 420 px');
    await page.screenshot({ path: join(env.out, '12-narrow.png'), fullPage: true });
    await finish(p);
  }],
];
