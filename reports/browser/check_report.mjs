// Opens an mcp-harness HTML report in headless Chromium (playwright-core driving the system's
// Chromium) and checks what a person needs to see in it. scripts/browser-check runs it.
//
//   node check_report.mjs --modules DIR --chromium BIN --report FILE --kind run|sample [--screenshots DIR]
//
// --kind run:    a report of a real `mcp-harness run` of rate_limit.yaml and isolation.yaml that
//                passed: every check shown, the burst's 429s and Retry-After, the empty state of
//                "only failures", trace links to files that exist.
// --kind sample: reports_sample's report: findings tables per server, failed and inconclusive
//                checks, the filter hiding what passed.
// Both: no request other than file: (the page loads nothing), no console error (a
// Content-Security-Policy violation is one), the page's script ran, one SVG chart per scenario
// with a mark per step, flow cards wide enough to read. Exit 0 when every check holds, 1 with
// each failed check on stderr, 2 on bad arguments.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
for (const required of ['modules', 'chromium', 'report', 'kind']) {
  if (!args[required]) {
    console.error(`check_report: --${required} is required`);
    process.exit(2);
  }
}
if (!['run', 'sample'].includes(args.kind)) {
  console.error(`check_report: --kind run or sample, not ${args.kind}`);
  process.exit(2);
}
const { chromium } = createRequire(path.resolve(args.modules) + '/')('playwright-core');

const problems = [];
const check = (holds, what) => {
  if (!holds) problems.push(what);
  return holds;
};

// The flags without which Chromium tries the network (refused on a loopback-only machine).
const chromiumFlags = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function main() {
  const reportPath = path.resolve(args.report);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'mcph-browser-check-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: args.chromium, headless: true, args: chromiumFlags, viewport: { width: 1280, height: 900 },
  });
  try {
    const page = context.pages()[0] ?? await context.newPage();
    const requests = [];
    const consoleErrors = [];
    context.on('request', (request) => requests.push(request.url()));
    page.on('console', (message) => { if (message.type() === 'error') consoleErrors.push(message.text()); });
    page.on('pageerror', (error) => consoleErrors.push(String(error)));
    await page.goto(pathToFileURL(reportPath).href, { waitUntil: 'load' });

    await checkCommon(page, reportPath);
    if (args.kind === 'run') await checkRun(page);
    else await checkSample(page);
    if (args.screenshots) await screenshots(page, args.screenshots);

    const foreign = requests.filter((url) => !url.startsWith('file:'));
    check(foreign.length === 0, `the page made requests that are not file: ${foreign.join(', ')}`);
    check(consoleErrors.length === 0, `console errors (a CSP violation is one): ${consoleErrors.join(' | ')}`);
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

// Opens every scenario: with the page's button when its script runs, else by hand (so that the
// other checks still say what they see).
async function expandAll(page) {
  if (await page.isVisible('#expand-buttons')) {
    await page.click('#expand-buttons button[data-open="true"]');
  } else {
    await page.$$eval('details.scenario', (all) => all.forEach((details) => { details.open = true; }));
  }
}

async function checkCommon(page, reportPath) {
  // The script ran: its hash in the page's Content-Security-Policy is right.
  check(await page.isVisible('#expand-buttons'), 'the expand/collapse buttons are hidden: the page\'s script did not run');
  await expandAll(page);

  // One latency chart per scenario that has steps, one mark per step, each mark with its time.
  const charts = await page.$$eval('.scenario', (scenarios) => scenarios.map((scenario) => ({
    name: scenario.querySelector('.scenario-name')?.textContent ?? '',
    steps: scenario.querySelectorAll('li.step').length,
    charts: scenario.querySelectorAll('svg.latency-chart').length,
    marks: scenario.querySelectorAll('svg.latency-chart .step-mark').length,
    values: [...scenario.querySelectorAll('svg.latency-chart .step-mark text.value')].map((t) => t.textContent),
    width: scenario.querySelector('svg.latency-chart')?.getBoundingClientRect().width ?? 0,
  })));
  check(charts.some((c) => c.steps > 0), 'no scenario shows its steps');
  for (const c of charts) {
    if (c.steps === 0) continue;
    check(c.charts === 1, `"${c.name}": ${c.charts} latency charts, expected 1`);
    check(c.marks === c.steps, `"${c.name}": ${c.marks} chart marks for ${c.steps} steps`);
    check(c.values.every((v) => /^\d+(\.\d+)? (ms|s)$|min/.test(v)), `"${c.name}": chart values ${c.values.join(', ')}`);
    check(c.width >= 300, `"${c.name}": the chart is ${c.width}px wide`);
  }

  // Passing steps show what they asserted, visibly.
  const held = await page.$$eval('.check-held', (items) => items.filter((item) => item.offsetParent !== null)
    .map((item) => ({ expectation: item.querySelector('.expectation')?.textContent ?? '',
      seen: item.querySelector('.seen')?.textContent ?? '' })));
  check(held.length > 0, 'no held check is visible');
  check(held.some((h) => h.expectation.startsWith('backend_credential_of:') && /carries \S+'s credential \*{4}/.test(h.seen)),
    'no visible backend_credential_of check saying whose credential the ledger entry carries');

  // The burst: its 429s counted and the Retry-After.
  const burst = await page.$$eval('.burst', (bursts) => bursts.filter((b) => b.offsetParent !== null).map((b) => ({
    counts: [...b.querySelectorAll('.status-count')].map((s) => s.textContent),
    retryAfter: b.querySelector('.retry-after')?.textContent ?? '',
    runs: b.querySelectorAll('.burst-run.status-429').length,
  })));
  check(burst.length > 0, 'no burst of calls is shown');
  check(burst.some((b) => b.counts.some((c) => /^\d+ × 429$/.test(c)) && b.runs > 0),
    `no burst shows its 429s: ${JSON.stringify(burst)}`);
  check(burst.some((b) => /^Retry-After: \d+ s$/.test(b.retryAfter)), `no burst shows its Retry-After: ${JSON.stringify(burst)}`);

  // Flow cards wide enough to read (at 1280 px): at least 420 px (some 55 characters of the detail font a line), no text running out of them; on a phone, the
  // whole width.
  const flows = await flowWidths(page);
  check(flows.length > 0, 'no authentication flow is shown');
  for (const f of flows) {
    check(f.width >= 420, `a flow card of ${f.user} is ${f.width}px wide`);
    check(!f.overflows, `text runs out of the flow card of ${f.user}`);
  }
  await page.setViewportSize({ width: 400, height: 800 });
  for (const f of await flowWidths(page)) check(f.width >= 300, `on a phone, a flow card of ${f.user} is ${f.width}px wide`);
  await page.setViewportSize({ width: 1280, height: 900 });

  // Trace links: relative to the report, to the folder beside it.
  const links = await page.$$eval('a.trace-link', (anchors) => anchors.map((a) => ({ raw: a.getAttribute('href'), url: a.href })));
  check(links.length > 0, 'no trace link');
  for (const link of links) {
    check(!/^[a-z]+:/i.test(link.raw) && !link.raw.startsWith('/'), `trace link ${link.raw} is not relative`);
    check(link.url.startsWith('file:') && fileURLToPath(link.url).startsWith(path.dirname(reportPath) + path.sep),
      `trace link ${link.raw} leads outside the report's folder`);
  }
  return links;
}

async function flowWidths(page) {
  return page.$$eval('.flow', (cards) => cards.filter((card) => card.offsetParent !== null).map((card) => ({
    user: card.querySelector('h4')?.lastChild?.textContent ?? '',
    width: Math.round(card.getBoundingClientRect().width),
    overflows: [...card.querySelectorAll('.detail, .stage')].some((d) => d.scrollWidth > d.clientWidth + 1),
  })));
}

async function checkRun(page) {
  // A green run: every scenario passed, with no failed or inconclusive check.
  check(await page.$$eval('.scenario', (s) => s.length) > 0, 'no scenario in the report');
  check(await page.$$eval('.scenario:not(.status-passed)', (s) => s.length) === 0, 'the run has scenarios that did not pass');
  check(await page.$$eval('.check-failed, .check-inconclusive', (c) => c.length) === 0, 'a green run shows failed checks');
  check((await page.textContent('body')).includes('vault_audit: own_paths_only'), 'the isolation checks are not shown');

  // Each trace link leads to the trace file the run wrote.
  for (const url of await page.$$eval('a.trace-link', (a) => a.map((x) => x.href))) {
    check(fs.existsSync(fileURLToPath(url)), `trace link to a file that does not exist: ${url}`);
  }

  // "Only failures" on a green run: an empty state, not a blank page.
  check(!(await page.isVisible('.only-problems-empty')), 'the empty state shows before the filter is on');
  await page.click('label[for="only-problems"]');
  if (check(await page.isVisible('.only-problems-empty'), 'the filter on a green run shows no empty state')) {
    check(/No failures or errors/.test(await page.textContent('.only-problems-empty')), 'the empty state does not say why');
  }
  check(await page.$$eval('.scenario', (s) => s.filter((x) => x.offsetParent !== null).length) === 0,
    'the filter leaves passed scenarios visible');
  await page.click('label[for="only-problems"]');
}

async function checkSample(page) {
  // One findings table per server, with the property broken, the scenario, the step and the evidence.
  const tables = await page.$$eval('table.findings-table', (t) => t.map((table) => ({
    server: table.getAttribute('data-server'),
    rows: [...table.querySelectorAll('tbody tr')].map((row) => [...row.cells].map((cell) => cell.textContent.trim())),
    visible: table.offsetParent !== null,
  })));
  check(tables.length === 2, `${tables.length} findings tables, expected 2 (one per server)`);
  const rows = tables.flatMap((t) => t.rows.map((r) => [t.server, ...r]));
  check(tables.every((t) => t.visible), 'a findings table is hidden');
  check(rows.length === 3, `${rows.length} findings rows, expected 3`);
  for (const [server, property] of [['demo-jira-mcp', 'trusts an unverified claim'], ['demo-jira-mcp', 'answers with the wrong error status'],
    ['github-mcp', 'reuses another user\'s cached credential']]) {
    check(rows.some((r) => r[0] === server && r[1] === property && r[2] && r[3] && r[4]),
      `no findings row "${property}" for ${server} with its scenario, step and evidence`);
  }
  // A finding's step link leads to that step.
  for (const target of await page.$$eval('td.finding-step a', (a) => a.map((x) => x.getAttribute('href')))) {
    check(await page.$(target) !== null, `finding step link ${target} leads nowhere`);
  }

  // Inconclusive checks are shown as such, never green.
  const inconclusive = await page.$$eval('.check-inconclusive', (c) => c.filter((x) => x.offsetParent !== null)
    .map((x) => getComputedStyle(x.querySelector('.check-mark')).color));
  const heldColour = await page.$eval('.check-held .check-mark', (x) => getComputedStyle(x).color);
  check(inconclusive.length > 0, 'no visible inconclusive check');
  check(inconclusive.every((colour) => colour !== heldColour), 'an inconclusive check has the colour of a held one');
  check(await page.$$eval('.pill-inconclusive', (p) => p.some((x) => x.textContent.trim() === 'inconclusive')),
    'no "inconclusive" status label');
  check(await page.$$eval('.check-failed', (c) => c.filter((x) => x.offsetParent !== null).length) > 0, 'no visible failed check');

  // The load step's percentiles per concurrency level.
  check(await page.$$eval('svg.load-chart .load-mark', (m) => m.length) === 4, 'the load chart has no mark per concurrency level');

  // With problems to show, the filter shows them and hides what passed, and no empty state.
  await page.click('label[for="only-problems"]');
  check(!(await page.isVisible('.only-problems-empty')), 'the empty state shows on a run with failures');
  const shown = await page.$$eval('.scenario', (s) => s.filter((x) => x.offsetParent !== null).map((x) => x.className));
  check(shown.length === 4 && shown.every((c) => !c.includes('is-ok')), `the filter shows ${shown.join('; ')}`);
  await page.click('label[for="only-problems"]');
}

async function screenshots(page, dir) {
  fs.mkdirSync(dir, { recursive: true });
  const stem = path.join(dir, args.kind);
  await page.screenshot({ path: `${stem}-full.png`, fullPage: true });
  await page.setViewportSize({ width: 400, height: 800 });
  await page.screenshot({ path: `${stem}-phone.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: `${stem}-dark.png`, fullPage: false });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.click('label[for="only-problems"]');
  await page.screenshot({ path: `${stem}-only-problems.png`, fullPage: true });
  await page.click('label[for="only-problems"]');
}

main().then(() => {
  if (problems.length) {
    for (const problem of problems) console.error(`check_report (${args.kind}): ${problem}`);
    process.exit(1);
  }
  console.log(`check_report (${args.kind}): every check holds for ${args.report}`);
}, (error) => {
  console.error(`check_report (${args.kind}): ${error.stack ?? error}`);
  process.exit(1);
});
