/**
 * The web console: a small node:http server with server-rendered pages and a few lines of inline script
 * (no framework, no assets from the network). The list of processes comes from the visibility API; a
 * process page polls `/api/processes/ID` once a second for the diagram (from the `state` query), the
 * context and the status, and offers the operator's actions: send an event, pause and resume, set context
 * fields, cancel a running process, and retry a failed one from its faulted step.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { ProcessEndedError, ProcessFaultError, ProcessHandle } from '../client/process-handle';
import { ResetError } from '../client/reset';
import { escapeXml, renderSvg, treeOfSnapshot } from '../diagram';
import { InvalidFieldsError } from '../operations';
import { PROCESS_WORKFLOW_TYPE } from '../protocol';
import type { ContextValues } from '../scope';

/** Options of {@link startConsole}. */
export interface ConsoleOptions {
  readonly client: Client;
  readonly namespace: string;
  /** The Temporal Web UI's address, for links to each process (none when unset). */
  readonly webUiUrl?: string;
  /** Port to listen on (default: a free one); always on 127.0.0.1. */
  readonly port?: number;
}

/** A running console. */
export interface RunningConsole {
  /** `http://127.0.0.1:PORT/` */
  readonly url: string;
  close(): Promise<void>;
}

const STATUS_QUERIES: Record<string, string> = {
  running: "ExecutionStatus = 'Running'",
  completed: "ExecutionStatus = 'Completed'",
  failed: "ExecutionStatus IN ('Failed', 'Terminated', 'Canceled', 'TimedOut')",
};

/** Starts the console; resolves once it listens. */
export async function startConsole(options: ConsoleOptions): Promise<RunningConsole> {
  const server = createServer((req, res) => {
    handle(options, req, res).catch((err: unknown) => {
      const status = err instanceof Refused ? err.status : 500;
      if (!res.headersSent) send(res, status, 'text/plain', err instanceof Error ? err.message : String(err));
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' });
  res.end(body);
}

/** A request the console refuses, with the status and the message the page shows. */
class Refused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch (err) {
    throw new Refused(400, `the request is not JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Refused(400, 'expected a JSON object');
  return parsed as Record<string, unknown>;
}

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

/**
 * The actions of a process page, by the last part of their path (`POST /api/processes/ID/<action>`); each
 * resolves with what it did, as the library's {@link ProcessHandle} method replies. The console has no
 * login: it records pauses as made `by` the name the page sends, else "console".
 */
const ACTIONS: Record<string, (process: ProcessHandle, body: Record<string, unknown>) => Promise<unknown>> = {
  event: async (process, body) => {
    const name = text(body.name);
    if (!name) throw new Refused(400, 'give the event name');
    await process.event(name, (body.data ?? {}) as Record<string, unknown>);
    return { sent: name };
  },
  cancel: async (process) => {
    await process.cancel();
    return { cancelled: true };
  },
  pause: (process, body) => process.pause({ by: text(body.by) || 'console', reason: text(body.reason) }),
  resume: async (process) => ({ resumed: await process.resume() }),
  set: (process, body) => process.setFields(body.fields as ContextValues),
  retry: (process) => process.retry(),
};

/** Runs one action; what the operator asked for but cannot be done is a 400/409 with the reason. */
async function act(process: ProcessHandle, action: string, req: IncomingMessage): Promise<unknown> {
  try {
    return await ACTIONS[action](process, await readBody(req));
  } catch (err) {
    if (err instanceof InvalidFieldsError) throw new Refused(400, err.message);
    if (err instanceof ProcessEndedError || err instanceof ResetError) throw new Refused(409, err.message);
    throw err;
  }
}

async function handle(options: ConsoleOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://console');
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (req.method === 'GET' && parts.length === 0) {
    return send(res, 200, 'text/html', await listPage(options, url.searchParams));
  }
  if (req.method === 'GET' && parts[0] === 'processes' && parts.length === 2) {
    return send(res, 200, 'text/html', processPage(options, parts[1]));
  }
  if (parts[0] === 'api' && parts[1] === 'processes' && parts.length >= 3) {
    const process = new ProcessHandle(options.client, parts[2]);
    if (req.method === 'GET' && parts.length === 3) {
      return send(res, 200, 'application/json', JSON.stringify(await processData(process)));
    }
    if (req.method === 'POST' && parts.length === 4 && Object.hasOwn(ACTIONS, parts[3])) {
      return send(res, 200, 'application/json', JSON.stringify(await act(process, parts[3], req)));
    }
  }
  send(res, 404, 'text/plain', 'not found');
}

/** What a process page shows, as its script polls it. */
async function processData(process: ProcessHandle) {
  const description = await process.workflowHandle.describe();
  const status = description.status.name.toLowerCase();
  const name = (description.memo as { processName?: string } | undefined)?.processName;
  const state = await process.state();
  let fault: { code: string; message: string } | undefined;
  if (status === 'failed') {
    try {
      await process.result();
    } catch (err) {
      if (err instanceof ProcessFaultError) fault = { code: err.code, message: err.faultMessage };
    }
  }
  const states: Record<string, string> = {};
  const visit = (node: typeof state) => {
    states[node.id.slice(state.id.length)] = node.state;
    [...node.children, ...node.faults].forEach(visit);
  };
  visit(state);
  return {
    timeline: timelineOf(await process.workflowHandle.fetchHistory()),
    id: process.processId,
    name,
    status,
    startTime: description.startTime.toISOString(),
    closeTime: description.closeTime?.toISOString(),
    context: await process.context(),
    fault,
    paused: state.paused,
    states,
    svg: renderSvg(treeOfSnapshot(state, name)),
  };
}

/** temporal.api.enums.v1.WorkflowTaskFailedCause RESET_WORKFLOW: the first task of a run made by a reset. */
const RESET_CAUSE = 20;

/** One step of the timeline: when, and what happened (from the workflow history). */
interface Step {
  readonly time: string;
  readonly what: string;
}

type History = Awaited<ReturnType<ProcessHandle['workflowHandle']['fetchHistory']>>;

/** The steps a person cares about, read from the history's events (the rest is Temporal's bookkeeping). */
export function timelineOf(history: History): Step[] {
  const steps: Step[] = [];
  const scheduled = new Map<string, string>();
  for (const event of history.events ?? []) {
    const seconds = Number(event.eventTime?.seconds ?? 0);
    const time = new Date(seconds * 1000 + Math.floor((event.eventTime?.nanos ?? 0) / 1e6)).toISOString();
    const id = String(event.eventId ?? '');
    let what: string | undefined;
    if (event.workflowExecutionStartedEventAttributes) what = 'process started';
    else if (event.activityTaskScheduledEventAttributes) {
      const name = event.activityTaskScheduledEventAttributes.activityType?.name ?? '?';
      scheduled.set(id, name);
      what = `${name} scheduled`;
    } else if (event.activityTaskCompletedEventAttributes) {
      what = `${scheduled.get(String(event.activityTaskCompletedEventAttributes.scheduledEventId ?? '')) ?? 'activity'} completed`;
    } else if (event.activityTaskFailedEventAttributes) {
      const a = event.activityTaskFailedEventAttributes;
      what = `${scheduled.get(String(a.scheduledEventId ?? '')) ?? 'activity'} failed: ${a.failure?.message ?? ''}`;
    } else if (event.timerStartedEventAttributes) what = 'delay started';
    else if (event.timerFiredEventAttributes) what = 'delay fired';
    else if (event.workflowExecutionSignaledEventAttributes)
      what = `signal ${event.workflowExecutionSignaledEventAttributes.signalName ?? ''} received`;
    else if (event.workflowExecutionUpdateAcceptedEventAttributes)
      what = `${event.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest?.input?.name ?? 'update'} by the operator`;
    else if (event.workflowTaskFailedEventAttributes?.cause === RESET_CAUSE)
      what = `run again from here (reset): ${event.workflowTaskFailedEventAttributes.failure?.message ?? ''}`;
    else if (event.startChildWorkflowExecutionInitiatedEventAttributes) what = 'sub-process started';
    else if (event.childWorkflowExecutionCompletedEventAttributes) what = 'sub-process completed';
    else if (event.childWorkflowExecutionFailedEventAttributes) what = 'sub-process failed';
    else if (event.workflowExecutionCancelRequestedEventAttributes) what = 'cancellation requested';
    else if (event.workflowExecutionCompletedEventAttributes) what = 'process completed';
    else if (event.workflowExecutionFailedEventAttributes)
      what = `process failed: ${event.workflowExecutionFailedEventAttributes.failure?.message ?? ''}`;
    else if (event.workflowExecutionCanceledEventAttributes) what = 'process cancelled';
    else if (event.workflowExecutionTerminatedEventAttributes) what = 'process terminated';
    else if (event.workflowExecutionContinuedAsNewEventAttributes) what = 'continued as new';
    if (what) steps.push({ time, what });
  }
  return steps;
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:0;color:#0f172a}header{background:#1e293b;color:#fff;padding:10px 18px}
header a{color:#fff;text-decoration:none;font-weight:bold}main{padding:14px 18px}table{border-collapse:collapse}
td,th{padding:4px 10px;border-bottom:1px solid #e2e8f0;text-align:left}.status{font-weight:bold}
.running{color:#b45309}.completed{color:#15803d}.failed,.terminated,.timed_out{color:#b91c1c}.canceled,.cancelled{color:#7e22ce}
pre{background:#f1f5f9;padding:8px;overflow:auto}#diagram{overflow:auto;border:1px solid #e2e8f0;max-height:80vh}
.cols{display:flex;gap:18px;align-items:flex-start}.paused{color:#b45309;font-weight:bold}.side{min-width:320px}button{margin:2px}`;

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeXml(title)}</title><style>${STYLE}</style></head><body><header><a href="/">Bureaucrat console</a></header><main>${body}</main></body></html>`;
}

async function listPage(options: ConsoleOptions, params: URLSearchParams): Promise<string> {
  const status = params.get('status') ?? '';
  const nameFilter = (params.get('name') ?? '').trim().toLowerCase();
  const filters = [`WorkflowType = '${PROCESS_WORKFLOW_TYPE}'`];
  if (STATUS_QUERIES[status]) filters.push(STATUS_QUERIES[status]);
  const rows: string[] = [];
  const seen = new Set<string>();
  for await (const wf of options.client.workflow.list({ query: filters.join(' AND ') })) {
    if (seen.has(wf.workflowId)) continue;
    seen.add(wf.workflowId);
    const name = (wf.memo as { processName?: string } | undefined)?.processName ?? '';
    if (nameFilter && !`${name} ${wf.workflowId}`.toLowerCase().includes(nameFilter)) continue;
    const state = wf.status.name.toLowerCase();
    rows.push(
      `<tr data-process="${escapeXml(wf.workflowId)}"><td><a href="/processes/${encodeURIComponent(wf.workflowId)}">${escapeXml(wf.workflowId)}</a></td><td class="status ${state}">${state}</td><td>${escapeXml(name)}</td><td>${wf.startTime.toISOString()}</td></tr>`,
    );
    if (rows.length >= 500) break;
  }
  const option = (value: string, label: string) =>
    `<option value="${value}"${value === status ? ' selected' : ''}>${label}</option>`;
  return page(
    'Processes',
    `<h2>Processes</h2><form method="get">Status <select name="status">${option('', 'all')}${option('running', 'running')}${option('completed', 'completed')}${option('failed', 'failed, cancelled, terminated')}</select>
 Name or id <input name="name" value="${escapeXml(nameFilter)}"> <button>Filter</button></form>
<table><thead><tr><th>Process</th><th>Status</th><th>Name</th><th>Started</th></tr></thead><tbody>${rows.join('') || '<tr><td colspan="4">no processes</td></tr>'}</tbody></table>`,
  );
}

function processPage(options: ConsoleOptions, id: string): string {
  const webUi = options.webUiUrl
    ? `<a id="web-ui" href="${escapeXml(`${options.webUiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(options.namespace)}/workflows/${encodeURIComponent(id)}`)}">open in the Temporal Web UI</a>`
    : '';
  const script = `const id=${JSON.stringify(id).replace(/</g, '\\u003c')};const api='/api/processes/'+encodeURIComponent(id);
const $=(s)=>document.querySelector(s);let timer;
function poll(){if(!timer)timer=setInterval(refresh,1000)}
async function refresh(){try{const r=await fetch(api);if(!r.ok){$('#error').textContent=await r.text();return}const d=await r.json();
$('#status').textContent=d.status;$('#status').className='status '+d.status;$('#name').textContent=d.name||'';
$('#started').textContent=d.startTime+(d.closeTime?' – '+d.closeTime:'');$('#diagram').innerHTML=d.svg;
$('#context').textContent=JSON.stringify(d.context,null,2);$('#fault').textContent=d.fault?d.fault.code+': '+d.fault.message:'';
$('#fault-box').hidden=!d.fault;const p=d.paused;$('#paused').hidden=!p;
$('#paused').textContent=p?'Paused by '+p.by+' since '+p.since+(p.reason?': '+p.reason:''):'';$('#pause').hidden=!!p;$('#resume').hidden=!p;
$('#failed-actions').hidden=d.status!=='failed';document.body.dataset.paused=p?'yes':'no';$('#timeline').innerHTML=d.timeline.map((t)=>'<tr><td>'+t.time.slice(11,23)+'</td><td></td></tr>').join('');[...$('#timeline').rows].forEach((r,i)=>{r.cells[1].textContent=d.timeline[i].what});$('#actions').hidden=d.status!=='running';document.body.dataset.status=d.status;$('#error').textContent='';
if(d.status==='running')poll();else{clearInterval(timer);timer=undefined}}catch(e){$('#error').textContent=String(e)}}
async function post(path,body){const r=await fetch(api+path,{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify(body)});
$('#result').textContent=r.ok?'done':await r.text();refresh()}
$('#send-event').onclick=()=>{let data={};try{data=JSON.parse($('#event-data').value||'{}')}catch(e){$('#result').textContent='data: '+e.message;return}post('/event',{name:$('#event-name').value,data})};
$('#cancel').onclick=()=>{if(confirm('Cancel process '+id+'?'))post('/cancel',{})};
$('#pause').onclick=()=>post('/pause',{reason:$('#pause-reason').value});$('#resume').onclick=()=>post('/resume',{});
$('#set').onclick=()=>{let fields;try{fields=JSON.parse($('#set-fields').value||'{}')}catch(e){$('#result').textContent='fields: '+e.message;return}post('/set',{fields})};
$('#retry').onclick=()=>post('/retry',{});
refresh();poll();`;
  return page(
    `Process ${id}`,
    `<h2>Process ${escapeXml(id)} <span id="name"></span></h2>
<p>Status: <span id="status">…</span> · <span id="started"></span> ${webUi}</p><p id="error" style="color:#b91c1c"></p>
<div class="cols"><div id="diagram"></div><div class="side">
<p id="paused" class="paused" hidden></p>
<div id="fault-box" hidden><h3>Fault</h3><pre id="fault"></pre>
<p id="failed-actions" hidden><button id="retry">Retry from the faulted step</button></p></div>
<div id="actions" hidden><h3>Actions</h3>
<p>Event <input id="event-name" placeholder="name"> data <input id="event-data" placeholder='{"approved": true}'> <button id="send-event">Send event</button></p>
<p>Reason <input id="pause-reason" placeholder="why"> <button id="pause">Pause</button> <button id="resume" hidden>Resume</button></p>
<p>Fields <input id="set-fields" placeholder='{"amount": 10}'> <button id="set">Set fields</button></p>
<p><button id="cancel">Cancel process</button></p></div><p id="result"></p>
<h3>Context</h3><pre id="context"></pre><h3>Timeline</h3><table><tbody id="timeline"></tbody></table></div></div><script>${script}</script>`,
  );
}
