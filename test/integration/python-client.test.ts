/**
 * The Python client (`python/bureaucrat_temporal`) against the real HTTP API, worker and dev server: a
 * Python script in the suite's virtualenv (the current `python/` source first on PYTHONPATH) launches,
 * waits, sends events, cancels and fails processes through `Launcher`, `ProcessHandle` and `Events`, and
 * prints what it saw as JSON; the tests below assert on that, and check the server's side where it matters.
 * Over 400 lines because the script (about half of it) is kept here, beside the assertions on what it prints.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { startApi, type RunningApi } from '../../src/api/server';
import { parseTokens } from '../../src/api/tokens';
import { createWorker } from '../../src/worker/create-worker';
import { ParticipantFault } from '../../src/worker/participants';
import { findPython, pythonVenv } from '../support/python';
import { processId } from '../support/processes';
import { testWorkflowBundle, uniqueTaskQueue, useTestServer } from '../support/temporal';

const found = findPython();
const packageDir = path.join(__dirname, '../../python');
const TOKEN = 'python-client-token-0123456789';

// As in python-participants.test.ts: skipped with the reason where there is no Python, but CI must have one.
if (!('python' in found) && process.env.CI) {
  throw new Error(`Python client: no Python ≥ 3.9 in CI (${found.missing})`);
}
const describeWithPython = 'python' in found ? describe : describe.skip;
const title = 'python' in found ? 'Python client' : `Python client (skipped: ${found.missing})`;

/** What the script is told (as JSON in `$PY_CLIENT_TEST`): ids, event names, the secured API, a work dir. */
interface ScriptInput {
  suffix: string;
  workDir: string;
  securedUrl: string;
  token: string;
  ids: Record<'dedup' | 'invalid' | 'cancel' | 'one' | 'other', string>;
  events: Record<'trigger' | 'publish' | 'keyed' | 'buffered' | 'direct', string>;
}

/**
 * The Python side. Each check runs on its own: an unexpected exception is recorded under its name
 * (`unexpected`) and the others still run, so a failure names the check.
 */
const SCRIPT = String.raw`
import configparser, json, os, time, traceback
from pathlib import Path

from bureaucrat_temporal import (
    ApiError, ApiUnreachableError, Config, DefinitionError, DefinitionNotFoundError, Definitions, Events,
    Launcher, ProcessCancelledError, ProcessEndedError, ProcessFaultError, ProcessHandle, ProcessNotFoundError,
)

given = json.loads(os.environ["PY_CLIENT_TEST"])
suffix, ids, events = given["suffix"], given["ids"], given["events"]
launcher = Launcher()  # BUREAUCRAT_API_URL from the environment
summary = {"api_url": launcher.config.api_url, "module": __import__("bureaucrat_temporal").__file__}


def check(name):
    def run(fn):
        try:
            summary[name] = fn()
        except Exception as err:  # recorded, so that jest names the failing check
            summary[name] = {"unexpected": f"{type(err).__name__}: {err}", "trace": traceback.format_exc()}
    return run


def wait_active(handle, index=0, timeout=20.0):
    """Until child index of the process is active (an await is waiting)."""
    deadline = time.monotonic() + timeout
    while True:
        children = handle.state()["children"]
        if children[index]["state"] == "active":
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{handle.process_id}: step {index} not active: {children}")
        time.sleep(0.05)


def awaiting(event, key=None, condition=None):
    """A process awaiting event (of correlation key context[key]) whose data satisfies condition (an await
    does not copy event data into the context: its condition is how a test sees the data arrive)."""
    keyed = f' key="context[\'{key}\']"' if key else ""
    test = f"<condition>{condition}</condition>" if condition else ""
    return f'<process name="py-await-{suffix}"><await event="{event}"{keyed}>{test}</await></process>'


def still_waiting(handle, seconds=0.3):
    try:
        handle.result(timeout=seconds)
        return False
    except TimeoutError:
        return True


PRICED = f'<process name="py-priced-{suffix}"><action participant="price"/></process>'


@check("launch_xml")
def _():
    handle = launcher.launch(PRICED, {"quantity": 3})
    return {"is_handle": isinstance(handle, ProcessHandle), "started": handle.started, "process_id": handle.process_id,
            "run_id": handle.run_id, "result": handle.result(timeout=30),
            "ended_now": launcher.get(handle.process_id).result(timeout=0)}


@check("launch_file")
def _():
    file = Path(given["workDir"]) / "order.xml"
    file.write_text(
        f'<process name="py-file-{suffix}">\n'
        '  <context><property name="greeting" type="str">hello</property></context>\n'
        '  <action participant="price"/>\n'
        '</process>\n', encoding="utf-8")
    handle = launcher.launch(str(file), fields={"quantity": 2})
    by_path = launcher.launch(file, {"quantity": 1})  # a pathlib.Path too
    return {"started": handle.started, "result": handle.result(), "by_path": by_path.result(timeout=30)}


@check("list")
def _():
    deadline = time.monotonic() + 20  # the list is Temporal's visibility: it may lag a moment
    while True:
        page = launcher.list(name=f"py-priced-{suffix}", status="completed", page_size=10)
        if page["processes"] or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    return {"ids": [p["processId"] for p in page["processes"]], "statuses": [p["status"] for p in page["processes"]]}


@check("dedup")
def _():
    waiting = (f'<process name="py-dedup-{suffix}"><await event="go-{suffix}">'
               '<condition>event.get("by") == "python"</condition></await></process>')
    first = launcher.launch(waiting, {"round": 1}, process_id=ids["dedup"])
    second = launcher.launch(waiting, {"round": 2}, process_id=ids["dedup"])
    wait_active(first)
    context = second.context()
    details = launcher.get(ids["dedup"]).details()
    first.event(f"go-{suffix}", {"by": "python"})
    return {"first": [first.process_id, first.run_id, first.started],
            "second": [second.process_id, second.run_id, second.started],
            "context_before": context, "status_before": details["status"], "name": details.get("name"),
            "result": second.result(timeout=30)}


@check("invalid")
def _():
    try:
        launcher.launch("<process>\n  <action/>\n  <switch><case/></switch>\n</process>", process_id=ids["invalid"])
        return {"raised": None}
    except DefinitionError as err:
        try:
            launcher.get(ids["invalid"]).details()
            lookup = "found"
        except ProcessNotFoundError as missing:
            lookup = [type(missing).__name__, missing.status, missing.kind]
        return {"raised": type(err).__name__, "is_api_error": isinstance(err, ApiError), "status": err.status,
                "kind": err.kind, "problems": err.problems, "text": str(err), "lookup": lookup}


@check("trigger")
def _():
    handle = launcher.launch(awaiting(events["trigger"], condition='event.get("amount") == 7'), {"n": 1})
    wait_active(handle)
    Events().trigger(events["trigger"], {"amount": 6})  # reaches it, but its condition does not hold
    wrong_data = still_waiting(handle)
    Events().trigger(events["trigger"], {"amount": 7})
    return {"wrong_data_waits": wrong_data, "result": handle.result(timeout=30)}


@check("publish")
def _():
    handle = launcher.launch(awaiting(events["publish"], condition='event["order"] == 42'), {"n": 2})
    wait_active(handle)
    Events({"api_url": os.environ["BUREAUCRAT_API_URL"]}).publish({"event": events["publish"], "order": 42})
    try:
        Events().publish({"order": 42})
        refused = None
    except ValueError as err:
        refused = str(err)
    return {"result": handle.result(timeout=30), "no_event": refused}


@check("keyed")
def _():
    paid = 'event.get("paid") is True'
    a = launcher.launch(awaiting(events["keyed"], "order", paid), {"order": "A"})
    b = launcher.launch(awaiting(events["keyed"], "order", paid), {"order": "B"})
    wait_active(a)
    wait_active(b)
    Events().trigger(events["keyed"], {"paid": True}, key="B", id=f"payment-{suffix}")
    result_b = b.result(timeout=30)
    a_state = "still waiting" if still_waiting(a) else "completed"
    a.cancel()
    return {"b": result_b, "a": a_state}


@check("buffered")
def _():
    Events().trigger(events["buffered"], {"early": True}, ttl=60)  # before any await: kept for 60 s
    handle = launcher.launch(awaiting(events["buffered"], condition='event["early"] is True'), {"n": 4})
    return {"result": handle.result(timeout=30)}


@check("one_process")
def _():
    to_one = 'event.get("to") == "one"'
    one = launcher.launch(awaiting(events["direct"], condition=to_one), {"n": 5}, process_id=ids["one"])
    other = launcher.launch(awaiting(events["direct"]), {"n": 6}, process_id=ids["other"])
    wait_active(one)
    wait_active(other)
    one.event(events["direct"], {"to": "one"})
    result = one.result(timeout=30)
    started = time.monotonic()
    try:
        other.result(timeout=0.5)
        timeout = None
    except TimeoutError as err:
        timeout = {"type": type(err).__name__, "text": str(err), "elapsed": time.monotonic() - started}
    status = other.details()["status"]
    other.cancel()
    return {"result": result, "timeout": timeout, "other_status": status}


@check("cancel")
def _():
    handle = launcher.launch(awaiting(f"never-{suffix}"), process_id=ids["cancel"])
    wait_active(handle)
    handle.cancel()
    out = {}
    try:
        handle.result(timeout=30)
    except ProcessCancelledError as err:
        out["raised"] = [type(err).__name__, err.process_id, err.how]
    try:
        handle.event("late")
    except ProcessEndedError as err:
        out["late_event"] = [type(err).__name__, err.status, err.kind]
    out["status"] = handle.details()["status"]
    return out


@check("fault")
def _():
    handle = launcher.launch(f'<process name="py-fault-{suffix}"><action participant="decline"/></process>')
    try:
        handle.result(timeout=30)
        return {"raised": None}
    except ProcessFaultError as err:
        details = handle.details()
        return {"raised": type(err).__name__, "code": err.code, "message": err.message,
                "process_id": err.process_id == handle.process_id, "text": str(err),
                "status": details["status"], "fault": details.get("fault")}


@check("secured")
def _():
    url, token = given["securedUrl"], given["token"]
    with_token = Launcher({"api_url": url, "token": token})
    handle = with_token.launch(PRICED, {"quantity": 1})
    parser = configparser.ConfigParser()
    parser.read_string(f"[bureaucrat]\napi_url = {url}\ntoken = {token}\nstorage_dir = /tmp/ignored\n")
    by_parser = Launcher(parser).get(handle.process_id).result(timeout=30)
    out = {"result": handle.result(timeout=30), "by_config_parser": by_parser,
           "by_dataclass": Launcher(Config(api_url=url, token=token)).get(handle.process_id).details()["status"]}
    for name, config in (("no_token", {"api_url": url}), ("wrong_token", {"api_url": url, "token": "x" * 20})):
        try:
            Launcher(config).launch(PRICED)
            out[name] = None
        except ApiError as err:
            out[name] = [type(err).__name__, err.status, err.kind, err.title]
    return out


@check("unreachable")
def _():
    try:
        Launcher({"api_url": "http://127.0.0.1:1"}).get("x").details()
        return None
    except ApiUnreachableError as err:
        return {"is_api_error": isinstance(err, ApiError), "url": err.url, "text": str(err)}


@check("not_found")
def _():
    try:
        launcher.get(f"no-such-{suffix}").result(timeout=1)
        return None
    except ProcessNotFoundError as err:
        return [type(err).__name__, err.status, err.kind]


@check("bad_config")
def _():
    try:
        Launcher({"url": "http://127.0.0.1:8080"})
        return None
    except ValueError as err:
        return str(err)


@check("deployed")
def _():
    definitions = Definitions()
    name = f"py-deployed-{suffix}"
    xml = lambda marker: (f'<process name="{name}"><context><property name="marker" type="str"></property>'
                          f'</context><assign property="marker">"{marker}"</assign></process>')
    first = definitions.deploy(xml("one"))
    again = definitions.deploy(xml("one"))
    file = Path(given["workDir"]) / "deployed.xml"
    file.write_text(xml("two"), encoding="utf-8")
    second = definitions.deploy(file)
    latest = launcher.launch_deployed(name)
    pinned = launcher.launch_deployed(name, version=1)
    try:
        launcher.launch_deployed(f"{name}-none")
        missing = None
    except DefinitionNotFoundError as err:
        missing = [err.status, err.kind]
    deadline = time.monotonic() + 20  # the list is Temporal's visibility: it may lag a moment
    while True:
        listed = [d for d in definitions.list() if d["name"] == name]
        if (listed and listed[0]["versions"] == 2) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    return {
        "first": [first["version"], first["unchanged"]], "again": [again["version"], again["unchanged"]],
        "second": [second["version"], second["unchanged"]],
        "latest": [latest.result(timeout=30)["marker"], latest.details().get("definition")],
        "pinned": [pinned.result(timeout=30)["marker"], pinned.details().get("definition")],
        "missing": missing,
        "get_latest": [definitions.get(name)["version"], definitions.get(name)["xml"] == xml("two")],
        "get_v1": definitions.get(name, 1)["xml"] == xml("one"),
        "versions": [v["version"] for v in definitions.versions(name)],
        "listed": [[d["latest"], d["versions"]] for d in listed],
    }


print(json.dumps(summary))
`;

/** Runs the script with the venv's Python (asynchronously: the worker runs in this process). */
function runScript(
  venvPython: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(venvPython, ['-c', SCRIPT], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describeWithPython(title, () => {
  const env = useTestServer();
  const suffix = Math.random().toString(36).slice(2, 8);
  const input: Omit<ScriptInput, 'workDir' | 'securedUrl'> = {
    suffix,
    token: TOKEN,
    ids: {
      dedup: processId('py-dedup'),
      invalid: processId('py-invalid'),
      cancel: processId('py-cancel'),
      one: processId('py-one'),
      other: processId('py-other'),
    },
    events: {
      trigger: `py-paid-${suffix}`,
      publish: `py-published-${suffix}`,
      keyed: `py-keyed-${suffix}`,
      buffered: `py-buffered-${suffix}`,
      direct: `py-direct-${suffix}`,
    },
  };
  let summary: Record<string, unknown> = {};
  let apiUrl = '';

  // Everything that runs for the script (worker, both APIs, a work dir) lives and ends in here: the tests
  // below only read what the script printed, and ask the server through the suite's client.
  beforeAll(async () => {
    if (!('python' in found)) return;
    const venvPython = pythonVenv(found.python); // before the worker: it blocks while it builds
    const taskQueue = uniqueTaskQueue('py-client');
    const worker = await createWorker({
      participants: {
        price: ({ fields }: { fields: Record<string, unknown> }) => ({
          amount: 120,
          total: 120 * Number(fields.quantity ?? 0),
        }),
        decline: () => {
          throw new ParticipantFault('PaymentDeclined', 'card 4242 declined');
        },
      },
      connection: env().nativeConnection,
      namespace: env().namespace ?? 'default',
      taskQueue,
      workflowBundle: testWorkflowBundle(),
    });
    const running = worker.run();
    const servers: RunningApi[] = [];
    const workDir = mkdtempSync(path.join(tmpdir(), 'bureaucrat-py-client-'));
    try {
      const common = { client: env().client, namespace: env().namespace ?? 'default', taskQueue, port: 0 };
      const api = await startApi(common);
      servers.push(api);
      const secured = await startApi({
        ...common,
        tokens: parseTokens(`${TOKEN} launch,read,events,operate`),
      });
      servers.push(secured);
      apiUrl = api.url;
      const scriptEnv: NodeJS.ProcessEnv = {
        ...process.env,
        PYTHONPATH: packageDir,
        BUREAUCRAT_API_URL: api.url,
        PY_CLIENT_TEST: JSON.stringify({ ...input, workDir, securedUrl: secured.url } satisfies ScriptInput),
      };
      delete scriptEnv.BUREAUCRAT_API_TOKEN;
      const run = await runScript(venvPython, scriptEnv);
      if (run.code !== 0)
        throw new Error(`the Python script exited ${run.code}:\n${run.stderr}\n${run.stdout}`);
      summary = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
    } finally {
      for (const server of servers) await server.close();
      worker.shutdown();
      await running;
      rmSync(workDir, { recursive: true, force: true });
    }
  }, 600_000);

  /** One check's outcome; an unexpected exception in it fails here with its trace. */
  function outcome<T = Record<string, unknown>>(name: string): T {
    const value = summary[name] as { unexpected?: string; trace?: string } | undefined;
    if (value && typeof value === 'object' && 'unexpected' in value)
      throw new Error(`check ${name} raised ${value.unexpected}\n${value.trace}`);
    return value as T;
  }

  it('runs the current source against the API named by BUREAUCRAT_API_URL', () => {
    expect(summary.api_url).toBe(apiUrl);
    expect(String(summary.module)).toBe(path.join(packageDir, 'bureaucrat_temporal', '__init__.py'));
  });

  it('launches from XML text and from a file path with fields; result() returns the final context', () => {
    const xml = outcome('launch_xml');
    expect(xml).toMatchObject({ is_handle: true, started: true });
    expect(xml.result).toEqual({ quantity: 3, amount: 120, total: 360 });
    expect(xml.ended_now).toEqual(xml.result); // an ended process's result at once, even with timeout=0
    expect(String(xml.run_id)).toMatch(/\S/);
    const file = outcome('launch_file');
    expect(file.started).toBe(true);
    expect(file.result).toEqual({ greeting: 'hello', quantity: 2, amount: 120, total: 240 });
    expect(file.by_path).toEqual({ greeting: 'hello', quantity: 1, amount: 120, total: 120 });
    const list = outcome<{ ids: string[]; statuses: string[] }>('list');
    expect(list.ids).toEqual([xml.process_id]);
    expect(list.statuses).toEqual(['completed']);
  });

  it('launching the same process id twice returns the same process, started only the first time', () => {
    const dedup = outcome('dedup');
    const [id, runId, started] = dedup.first as [string, string, boolean];
    expect([id, started]).toEqual([input.ids.dedup, true]);
    expect(dedup.second).toEqual([input.ids.dedup, runId, false]);
    // The second launch's fields were not applied: it is the first process.
    expect(dedup.context_before).toEqual({ round: 1 });
    expect(dedup).toMatchObject({ status_before: 'running', name: `py-dedup-${suffix}` });
    expect(dedup.result).toEqual({ round: 1 }); // completed: the event's `by` met its condition
  });

  it('an invalid definition raises DefinitionError with line and column of each problem; nothing starts', async () => {
    const invalid = outcome<{
      problems: { line: number; column: number; path: string; message: string }[];
      text: string;
    }>('invalid');
    expect(invalid).toMatchObject({
      raised: 'DefinitionError',
      is_api_error: true,
      status: 422,
      kind: 'invalid-definition',
      lookup: ['ProcessNotFoundError', 404, 'process-not-found'],
    });
    expect(invalid.problems.length).toBeGreaterThanOrEqual(2);
    expect(invalid.problems[0]).toMatchObject({ line: 2, path: 'process/action[1]' });
    expect(invalid.problems[0].column).toBeGreaterThan(0);
    for (const p of invalid.problems)
      expect(invalid.text).toContain(`${p.line}:${p.column} ${p.path}: ${p.message}`);
    await expect(env().client.workflow.getHandle(input.ids.invalid).describe()).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );
  });

  it('Events().trigger and .publish reach the processes awaiting the event, with key, id and ttl', () => {
    // Each await's condition reads the event's data, so completing shows that the data arrived.
    expect(outcome('trigger')).toEqual({ wrong_data_waits: true, result: { n: 1 } });
    const published = outcome('publish');
    expect(published.result).toEqual({ n: 2 });
    expect(published.no_event).toMatch(/"event"/);
    expect(outcome('keyed')).toEqual({ b: { order: 'B' }, a: 'still waiting' });
    expect(outcome('buffered').result).toEqual({ n: 4 });
  });

  it('handle.event() reaches that process only; result(timeout=0.5) on a waiting one raises TimeoutError', () => {
    const one = outcome<{
      result: unknown;
      timeout: { type: string; text: string; elapsed: number };
      other_status: string;
    }>('one_process');
    expect(one.result).toEqual({ n: 5 });
    expect(one.timeout.type).toBe('TimeoutError');
    expect(one.timeout.text).toContain(input.ids.other);
    expect(one.timeout.elapsed).toBeGreaterThanOrEqual(0.45);
    expect(one.timeout.elapsed).toBeLessThan(10);
    expect(one.other_status).toBe('running');
  });

  it('cancel() then result() raises ProcessCancelledError; an event to the ended process ProcessEndedError', async () => {
    expect(outcome('cancel')).toEqual({
      raised: ['ProcessCancelledError', input.ids.cancel, 'cancelled'],
      late_event: ['ProcessEndedError', 409, 'process-ended'],
      status: 'cancelled',
    });
    const described = await env().client.workflow.getHandle(input.ids.cancel).describe();
    expect(described.status.name).toBe('CANCELLED');
  });

  it('Definitions deploys, lists and reads back; launch_deployed starts the latest or a pinned version', () => {
    const name = `py-deployed-${suffix}`;
    expect(outcome('deployed')).toEqual({
      first: [1, false],
      again: [1, true],
      second: [2, false],
      latest: ['two', `${name}@2`],
      pinned: ['one', `${name}@1`],
      missing: [404, 'definition-not-found'],
      get_latest: [2, true],
      get_v1: true,
      versions: [1, 2],
      listed: [[2, 2]],
    });
  });

  it('a faulting process raises ProcessFaultError with its code and message', () => {
    const fault = outcome('fault');
    expect(fault).toMatchObject({
      raised: 'ProcessFaultError',
      code: 'PaymentDeclined',
      message: 'card 4242 declined',
      process_id: true,
      status: 'failed',
      fault: { code: 'PaymentDeclined', message: 'card 4242 declined' },
    });
    expect(fault.text).toMatch(/fault PaymentDeclined: card 4242 declined/);
  });

  it('a token-secured API works with the token in the config, and answers ApiError 401 without it', () => {
    const result = { quantity: 1, amount: 120, total: 120 };
    expect(outcome('secured')).toEqual({
      result,
      by_config_parser: result,
      by_dataclass: 'completed',
      no_token: ['ApiError', 401, 'unauthorized', 'A valid token is required'],
      wrong_token: ['ApiError', 401, 'unauthorized', 'A valid token is required'],
    });
  });

  it('an unreachable API, an unknown process and a misspelt config key raise errors that say so', () => {
    const unreachable = outcome<{ is_api_error: boolean; url: string; text: string }>('unreachable');
    expect(unreachable).toMatchObject({ is_api_error: true, url: 'http://127.0.0.1:1' });
    expect(unreachable.text).toContain('http://127.0.0.1:1');
    expect(outcome('not_found')).toEqual(['ProcessNotFoundError', 404, 'process-not-found']);
    expect(outcome('bad_config')).toMatch(/unknown config key\(s\) url/);
  });
});
