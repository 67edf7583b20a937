/**
 * The web console's browser code: the process list and the process page, both reading and acting through
 * the HTTP API under `/v1` (the same routes `curl` uses), so the console can do nothing the API does not
 * allow. Type-checked against the API's own schemas (`../../api/wire`); the build strips the types.
 *
 * How it authenticates: the page's `<meta name="bureaucrat-console">` says whether the server wants API
 * tokens (`bearer`: the person types one, kept for the tab in sessionStorage) or gives its pages a
 * per-server console token (`console`), sent in a header that no other site can set.
 */
import type { ProcessDetailsBody, ProcessListBody, TimelineBody } from '../../api/wire';

interface ConsoleMeta {
  readonly auth: 'bearer' | 'console';
  readonly token?: string;
}

const meta = JSON.parse(
  document.querySelector('meta[name="bureaucrat-console"]')?.getAttribute('content') ?? '{}',
) as ConsoleMeta;

function $<T extends HTMLElement = HTMLElement>(selector: string): T {
  const found = document.querySelector<T>(selector);
  if (!found) throw new Error(`the page has no ${selector}`);
  return found;
}

const TOKEN_KEY = 'bureaucrat-api-token';

/** The headers that authenticate a request of this page. */
function authHeaders(): Record<string, string> {
  if (meta.auth === 'console' && meta.token) return { 'x-bureaucrat-console': meta.token };
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** A problem document's detail, or the status line. */
async function problemText(response: Response): Promise<string> {
  try {
    const problem = (await response.json()) as { title?: string; detail?: string };
    return [problem.title, problem.detail].filter(Boolean).join(': ') || `${response.status}`;
  } catch {
    return `${response.status} ${response.statusText}`;
  }
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { headers: authHeaders() });
  if (!response.ok) throw new Error(await problemText(response));
  return (await response.json()) as T;
}

async function getText(path: string): Promise<string> {
  const response = await fetch(path, { headers: authHeaders() });
  if (!response.ok) throw new Error(await problemText(response));
  return response.text();
}

async function postJson(path: string, body: unknown): Promise<Response> {
  return fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authHeaders() },
    body: JSON.stringify(body),
  });
}

/** With API tokens, a field in the header to give one; a change reloads what the page shows. */
function setUpSignIn(reload: () => void): void {
  if (meta.auth !== 'bearer') return;
  const field = $<HTMLInputElement>('#token');
  $('#sign-in').hidden = false;
  field.value = sessionStorage.getItem(TOKEN_KEY) ?? '';
  field.onchange = () => {
    sessionStorage.setItem(TOKEN_KEY, field.value.trim());
    reload();
  };
}

function showError(error: unknown): void {
  $('#error').textContent = error instanceof Error ? error.message : String(error);
}

/** The process list: filters in the URL, pages through the API's page tokens. */
function listPage(): void {
  const params = new URLSearchParams(location.search);
  const status = params.get('status') ?? '';
  const name = params.get('name') ?? '';
  $<HTMLSelectElement>('#status-filter').value = status;
  $<HTMLInputElement>('#name-filter').value = name;
  $('#open').onsubmit = (event) => {
    event.preventDefault();
    const id = $<HTMLInputElement>('#open-id').value.trim();
    if (id) location.href = `/processes/${encodeURIComponent(id)}`;
  };
  const body = $('#processes');
  const more = $<HTMLButtonElement>('#more');
  let nextPageToken: string | undefined;
  const load = async (first: boolean) => {
    const query = new URLSearchParams();
    if (status) query.set('status', status);
    if (name) query.set('name', name);
    if (!first && nextPageToken) query.set('pageToken', nextPageToken);
    try {
      const page = await getJson<ProcessListBody>(`/v1/processes?${query}`);
      if (first) body.replaceChildren();
      for (const process of page.processes) {
        const row = document.createElement('tr');
        row.dataset.process = process.processId;
        const link = document.createElement('a');
        link.href = `/processes/${encodeURIComponent(process.processId)}`;
        link.textContent = process.processId;
        const named = process.definition ?? process.name ?? '';
        const cells = [link, process.status, named, process.startTime];
        for (const content of cells) {
          const cell = document.createElement('td');
          cell.append(content);
          row.append(cell);
        }
        row.cells[1].className = `status ${process.status}`;
        body.append(row);
      }
      if (first && !page.processes.length) body.innerHTML = '<tr><td colspan="4">no processes</td></tr>';
      nextPageToken = page.nextPageToken;
      more.hidden = !nextPageToken;
      $('#error').textContent = '';
    } catch (error) {
      showError(error);
    }
  };
  more.onclick = () => void load(false);
  setUpSignIn(() => void load(true));
  void load(true);
}

/** The process page: polls the process once a second while it runs, and offers the operator's actions. */
function processPage(): void {
  const id = decodeURIComponent(location.pathname.replace(/^\/processes\//, ''));
  const api = `/v1/processes/${encodeURIComponent(id)}`;
  $('#process-id').textContent = id;
  let timer: number | undefined;
  let refreshing = false;

  const render = (d: ProcessDetailsBody, svg: string, timeline: TimelineBody) => {
    $('#status').textContent = d.status;
    $('#status').className = `status ${d.status}`;
    $('#name').textContent = d.name ?? '';
    // The deployed version it runs, and the migrations that brought it there.
    $('#definition').hidden = !d.definition;
    $('#definition').textContent = d.definition
      ? [
          `Definition ${d.definition}`,
          ...(d.migrations ?? []).map(
            (m) => `migrated ${m.from ? `from ${m.from} ` : ''}to ${m.to} at ${m.at}`,
          ),
        ].join(' · ')
      : '';
    $('#started').textContent = d.startTime + (d.closeTime ? ` – ${d.closeTime}` : '');
    $('#diagram').innerHTML = svg; // our own server's SVG: every text in it is escaped there
    $('#context').textContent = JSON.stringify(d.context, null, 2);
    $('#fault').textContent = d.fault ? `${d.fault.code}: ${d.fault.message}` : '';
    $('#fault-box').hidden = !d.fault;
    const paused = d.paused;
    $('#paused').hidden = !paused;
    $('#paused').textContent = paused
      ? `Paused by ${paused.by} since ${paused.since}${paused.reason ? `: ${paused.reason}` : ''}`
      : '';
    $('#pause').hidden = Boolean(paused);
    $('#resume').hidden = !paused;
    $('#failed-actions').hidden = d.status !== 'failed';
    $('#actions').hidden = d.status !== 'running';
    const webUi = $<HTMLAnchorElement>('#web-ui');
    webUi.hidden = !d.webUiUrl;
    if (d.webUiUrl) webUi.href = d.webUiUrl;
    const rows = timeline.steps.map((step) => {
      const row = document.createElement('tr');
      for (const text of [step.time.slice(11, 23), step.what]) {
        const cell = document.createElement('td');
        cell.textContent = text;
        row.append(cell);
      }
      return row;
    });
    $('#timeline').replaceChildren(...rows);
    document.body.dataset.paused = paused ? 'yes' : 'no';
    document.body.dataset.status = d.status;
    $('#error').textContent = '';
  };

  /**
   * Reads the process and draws it; while it runs, the next read is due a second after this one ends (one
   * read at a time, so that a slow server is not sent more of them).
   */
  const refresh = async () => {
    if (refreshing) return;
    refreshing = true;
    window.clearTimeout(timer);
    let again = true;
    try {
      // The status first: the picture and the timeline read after it are at least as recent, so the last
      // read of an ended process shows its end.
      const details = await getJson<ProcessDetailsBody>(api);
      const [svg, timeline] = await Promise.all([
        getText(`${api}/diagram.svg`),
        getJson<TimelineBody>(`${api}/timeline`),
      ]);
      render(details, svg, timeline);
      again = details.status === 'running';
    } catch (error) {
      showError(error);
    } finally {
      refreshing = false;
      if (again) timer = window.setTimeout(() => void refresh(), 1000);
    }
  };

  const act = async (path: string, body: unknown) => {
    const response = await postJson(`${api}/${path}`, body);
    $('#result').textContent = response.ok ? 'done' : await problemText(response);
    refreshing = false; // an action's outcome is read now, not after a read that began before it
    await refresh();
  };

  /** The JSON object typed into `field`, or undefined (the reason shown) when it is not one. */
  const jsonOf = (field: string, label: string): Record<string, unknown> | undefined => {
    try {
      return JSON.parse($<HTMLInputElement>(field).value || '{}') as Record<string, unknown>;
    } catch (error) {
      $('#result').textContent = `${label}: ${(error as Error).message}`;
      return undefined;
    }
  };

  $('#send-event').onclick = () => {
    const data = jsonOf('#event-data', 'data');
    if (data) void act('events', { event: $<HTMLInputElement>('#event-name').value.trim(), data });
  };
  $('#cancel').onclick = () => {
    if (confirm(`Cancel process ${id}?`)) void act('cancel', {});
  };
  $('#pause').onclick = () =>
    void act('pause', { by: 'console', reason: $<HTMLInputElement>('#pause-reason').value });
  $('#resume').onclick = () => void act('resume', {});
  $('#set').onclick = () => {
    const fields = jsonOf('#set-fields', 'fields');
    if (fields) void act('set', { fields });
  };
  $('#retry').onclick = () => void act('retry', {});
  setUpSignIn(() => void refresh());
  void refresh();
}

if (document.body.dataset.page === 'list') listPage();
else if (document.body.dataset.page === 'process') processPage();
