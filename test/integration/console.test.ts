import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { eventActivities } from '../../activities/events';
import { Launcher } from '../../src/client/launcher';
import { ProcessHandle } from '../../src/client/process-handle';
import { startConsole, type RunningConsole } from '../../src/console/server';
import { ParticipantFault } from '../../src/worker/participants';
import type { ActivitySnapshot } from '../../src/protocol';
import { processId, processState, startProcess, withProcessWorker } from '../support/processes';
import { useTestServer } from '../support/temporal';

/** Debian's chromium (CI installs it); browser downloads are not possible here. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) {
  // CI installs Chromium (.ci/run): a missing one there is a failure, not a reason to skip.
  throw new Error(`no Chromium at ${CHROMIUM} in CI`);
}
if (!haveChromium) {
  console.warn(`console browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);
}

/** Screenshots are kept as test artefacts (gitignored). */
const ARTEFACTS = path.join(__dirname, '../../test-artifacts');

const DEFINITION = `<process name="console-test">
  <action participant="ask"/>
  <await event="go"/>
  <action participant="ask"/>
</process>`;

function flatten(root: ActivitySnapshot): Record<string, string> {
  const states: Record<string, string> = {};
  const visit = (node: ActivitySnapshot) => {
    states[node.id.slice(root.id.length)] = node.state;
    [...node.children, ...node.faults].forEach(visit);
  };
  visit(root);
  return states;
}

/** The states the page's diagram shows, by activity id. */
function drawnStates(page: Page): Promise<Record<string, string>> {
  return page.$$eval('#diagram g.node[data-id]', (nodes) =>
    Object.fromEntries(
      nodes.map((n) => [n.getAttribute('data-id') ?? '', n.getAttribute('data-state') ?? '']),
    ),
  );
}

(haveChromium ? describe : describe.skip)('web console in a real browser', () => {
  const env = useTestServer();
  let browser: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    mkdirSync(ARTEFACTS, { recursive: true });
    profile = mkdtempSync(path.join(os.tmpdir(), 'bureaucrat-chromium-'));
    // A fresh profile directory per run (playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      viewport: { width: 1200, height: 900 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  it('shows the live diagram through an await and an event, and cancels a process', async () => {
    await withProcessWorker(env(), { ask: async () => ({}) }, async (taskQueue) => {
      const web: RunningConsole = await startConsole({
        client: env().client,
        namespace: env().namespace ?? 'default',
        webUiUrl: 'http://127.0.0.1:8233',
      });
      const page = await browser.newPage();
      try {
        const id = processId('console');
        await startProcess(env(), taskQueue, DEFINITION, {}, id);
        await page.goto(`${web.url}processes/${encodeURIComponent(id)}`);
        await page.waitForSelector('#diagram g.node[data-id="_1"][data-state="active"]');
        expect(await drawnStates(page)).toEqual(flatten(await processState(env(), id)));
        expect(await page.getAttribute('#web-ui', 'href')).toBe(
          `http://127.0.0.1:8233/namespaces/${env().namespace ?? 'default'}/workflows/${id}`,
        );
        await page.screenshot({ path: path.join(ARTEFACTS, 'console-await.png') });

        await page.fill('#event-name', 'go');
        await page.fill('#event-data', '{"ok": true}');
        await page.click('#send-event');
        await page.waitForSelector('body[data-status="completed"]');
        await page.waitForSelector('#diagram g.node[data-id="_2"][data-state="completed"]');
        expect(await drawnStates(page)).toEqual(flatten(await processState(env(), id)));
        const timeline = await page.$$eval('#timeline tr', (rows) =>
          rows.map((r) => r.cells[1]?.textContent),
        );
        expect(timeline).toEqual(
          expect.arrayContaining([
            'process started',
            'ask completed',
            'signal event received',
            'process completed',
          ]),
        );
        await page.screenshot({ path: path.join(ARTEFACTS, 'console-completed.png') });

        const other = processId('console-cancel');
        await startProcess(env(), taskQueue, DEFINITION, {}, other);
        await page.goto(`${web.url}processes/${encodeURIComponent(other)}`);
        await page.waitForSelector('#diagram g.node[data-id="_1"][data-state="active"]');
        page.once('dialog', (dialog) => void dialog.accept());
        await page.click('#cancel');
        await page.waitForSelector('body[data-status="cancelled"]');
        expect((await drawnStates(page))['_1']).toBe('canceled');
        await page.screenshot({ path: path.join(ARTEFACTS, 'console-cancelled.png') });

        await page.goto(`${web.url}?name=console-test`);
        await page.waitForSelector('tr[data-process]');
        const listed = await page.$$eval('tr[data-process]', (rows) =>
          rows.map((r) => r.getAttribute('data-process')),
        );
        expect(listed).toEqual(expect.arrayContaining([id, other]));
        await page.screenshot({ path: path.join(ARTEFACTS, 'console-list.png') });
      } finally {
        await page.close();
        await web.close();
      }
    });
  });
  it('shows the deployed version a process runs, and its migration', async () => {
    const client = env().client;
    await withProcessWorker(
      env(),
      {},
      async (taskQueue) => {
        const web: RunningConsole = await startConsole({ client, namespace: env().namespace ?? 'default' });
        const page = await browser.newPage();
        try {
          const launcher = new Launcher(client, taskQueue);
          const name = processId('console-deployed');
          await launcher.definitions.deploy(`<process name="${name}"><await event="go"/></process>`);
          const process = await launcher.launch({ name });
          await page.goto(`${web.url}processes/${encodeURIComponent(process.processId)}`);
          await page.waitForSelector('#diagram g.node[data-id="_0"][data-state="active"]');
          expect(await page.textContent('#definition')).toBe(`Definition ${name}@1`);
          await launcher.definitions.deploy(
            `<process name="${name}"><await event="go"/><assign property="done">True</assign></process>`,
          );
          const [moved] = await launcher.migrate([process.processId], { to: name });
          expect(moved.outcome).toBe('moved');
          await page.waitForSelector(
            `#definition:has-text("Definition ${name}@2 · migrated from ${name}@1 to ${name}@2")`,
          );
          await page.waitForSelector('#diagram g.node[data-id="_1"]');
          await page.screenshot({ path: path.join(ARTEFACTS, 'console-migrated.png') });
          await page.goto(`${web.url}?name=${encodeURIComponent(name)}`);
          await page.waitForSelector(`tr[data-process="${process.processId}"]`);
          expect(await page.textContent(`tr[data-process="${process.processId}"] td:nth-child(3)`)).toBe(
            `${name}@2`,
          );
          await process.cancel();
        } finally {
          await page.close();
          await web.close();
        }
      },
      { activities: eventActivities(client) },
    );
  });

  it('pauses, sets fields, resumes, and retries a failed process from its faulted step', async () => {
    let asked = 0;
    let fixed = false;
    const participants = {
      ask: () => {
        asked++;
        return {};
      },
      fragile: () => {
        if (!fixed) throw new ParticipantFault('Jammed', 'the stamp machine is jammed');
        return { stamped: true };
      },
    };
    await withProcessWorker(env(), participants, async (taskQueue) => {
      const web = await startConsole({ client: env().client, namespace: env().namespace ?? 'default' });
      const page = await browser.newPage();
      try {
        const id = processId('console-ops');
        await startProcess(env(), taskQueue, DEFINITION, {}, id);
        await page.goto(`${web.url}processes/${encodeURIComponent(id)}`);
        await page.waitForSelector('#diagram g.node[data-id="_1"][data-state="active"]');

        await page.fill('#pause-reason', 'waiting for the auditor');
        await page.click('#pause');
        await page.waitForSelector('body[data-paused="yes"]');
        expect(await page.textContent('#paused')).toMatch(
          /^Paused by console since .+: waiting for the auditor$/,
        );
        expect((await processState(env(), id)).paused).toMatchObject({
          by: 'console',
          reason: 'waiting for the auditor',
        });

        await page.fill('#set-fields', '{"amount": 10}');
        await page.click('#set');
        await page.locator('#context', { hasText: '"amount": 10' }).waitFor();

        // The await takes its event while paused; the next action does not start until resume.
        await page.fill('#event-name', 'go');
        await page.click('#send-event');
        await page.waitForSelector('#diagram g.node[data-id="_1"][data-state="completed"]');
        expect((await processState(env(), id)).children[2].state).toBe('ready');
        expect(asked).toBe(1);
        await page.screenshot({ path: path.join(ARTEFACTS, 'console-paused.png') });

        await page.click('#resume');
        await page.waitForSelector('body[data-status="completed"]');
        expect(await page.getAttribute('body', 'data-paused')).toBe('no');
        expect(asked).toBe(2);
        const operations = await page.$$eval('#timeline tr', (rows) =>
          rows.map((r) => r.cells[1]?.textContent).filter((what) => what?.endsWith('by the operator')),
        );
        expect(operations).toEqual([
          'pause by the operator',
          'setFields by the operator',
          'resume by the operator',
        ]);
        expect(await new ProcessHandle(env().client, id).result()).toMatchObject({ amount: 10 });

        const failing = processId('console-retry');
        await startProcess(
          env(),
          taskQueue,
          '<process name="console-retry"><action participant="ask"/><action participant="fragile"/></process>',
          {},
          failing,
        );
        await page.goto(`${web.url}processes/${encodeURIComponent(failing)}`);
        await page.waitForSelector('body[data-status="failed"]');
        expect(await page.textContent('#fault')).toBe('Jammed: the stamp machine is jammed');
        await page.screenshot({ path: path.join(ARTEFACTS, 'console-failed.png') });
        fixed = true;
        const askedBefore = asked;
        await page.click('#retry');
        await page.waitForSelector('body[data-status="completed"]');
        expect(await new ProcessHandle(env().client, failing).result()).toEqual({ stamped: true });
        expect(asked).toBe(askedBefore); // the step that completed is not run again
        await page.waitForSelector('#timeline td:has-text("run again from here (reset)")');
        await page.screenshot({ path: path.join(ARTEFACTS, 'console-retried.png') });
      } finally {
        await page.close();
        await web.close();
      }
    });
  });
  it('a page on another origin cannot cancel a process, by form, simple fetch or JSON fetch; the console can', async () => {
    await withProcessWorker(env(), { ask: async () => ({}) }, async (taskQueue) => {
      const web = await startConsole({
        client: env().client,
        namespace: env().namespace ?? 'default',
        taskQueue,
      });
      const cancelUrl = (id: string) => `${web.url}v1/processes/${encodeURIComponent(id)}/cancel`;
      const id = processId('console-csrf');
      await startProcess(env(), taskQueue, DEFINITION, {}, id);
      // The attacker's page: served from another origin (another port), it tries every way a page can.
      const attacker = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(`<!doctype html><html><body>
<form id="f" method="POST" action="${cancelUrl(id)}" enctype="text/plain" target="sink"><input name="{}" value=""></form>
<iframe name="sink"></iframe>
<script>
window.results = [];
const url = ${JSON.stringify(cancelUrl(id))};
const attempts = [
  () => fetch(url, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{}' }),
  () => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
  () => fetch(url, { method: 'POST', mode: 'no-cors', body: '{}' }),
  () => fetch(${JSON.stringify(`${web.url}v1/processes`)}).then((r) => r.text()),
];
(async () => {
  for (const attempt of attempts) {
    try { const r = await attempt(); window.results.push(typeof r === 'string' ? 'read: ' + r.slice(0, 40) : 'status ' + r.status + ' ' + r.type); }
    catch (e) { window.results.push('blocked: ' + e.message); }
  }
  document.getElementById('f').submit();
  window.done = true;
})();
</script></body></html>`);
      });
      await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', () => resolve()));
      const page = await browser.newPage();
      try {
        const port = (attacker.address() as AddressInfo).port;
        await page.goto(`http://localhost:${port}/`);
        await page.waitForFunction(() => (globalThis as unknown as { done?: boolean }).done === true);
        await page.waitForTimeout(500); // the form's POST
        const results = await page.evaluate(() => (globalThis as unknown as { results: string[] }).results);
        // The JSON fetch and the read are blocked by the browser (no CORS); the no-cors ones are opaque.
        expect(results[1]).toMatch(/^blocked/);
        expect(results[3]).toMatch(/^blocked/);
        expect((await processState(env(), id)).state).toBe('active');
        expect((await new ProcessHandle(env().client, id).workflowHandle.describe()).status.name).toBe(
          'RUNNING',
        );

        // The console on its own origin still cancels it.
        await page.goto(`${web.url}processes/${encodeURIComponent(id)}`);
        await page.waitForSelector('body[data-status="running"]');
        page.once('dialog', (dialog) => void dialog.accept());
        await page.click('#cancel');
        await page.waitForSelector('body[data-status="cancelled"]');
      } finally {
        await page.close();
        attacker.closeAllConnections(); // the browser keeps its connections alive
        await new Promise<void>((resolve) => attacker.close(() => resolve()));
        await web.close();
      }
    });
  });
});
