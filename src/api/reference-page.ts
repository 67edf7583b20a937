/**
 * `GET /docs`: the API's reference as one readable HTML page, rendered on the server from the OpenAPI
 * document itself (no script, no assets from the network), so that it says exactly what `openapi.json`
 * says: each route with its summary, the scope it needs, its parameters, its body and its responses.
 */
import { escapeXml } from '../diagram';

interface Operation {
  readonly summary?: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly parameters?: readonly {
    name: string;
    in: string;
    required?: boolean;
    description?: string;
    schema?: unknown;
  }[];
  readonly requestBody?: { content?: Record<string, { schema?: unknown }> };
  readonly responses?: Record<
    string,
    { description?: string; content?: Record<string, { schema?: unknown }> }
  >;
}

interface Document {
  readonly info: { title: string; version: string; description?: string };
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components?: { schemas?: Record<string, unknown> };
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:0 auto;max-width:980px;padding:0 18px 40px;color:#0f172a}
h2{border-bottom:1px solid #e2e8f0;padding-bottom:4px;margin-top:32px}.op{margin:18px 0;padding:10px 14px;border:1px solid #e2e8f0;border-radius:6px}
.method{display:inline-block;min-width:58px;font-weight:bold;color:#fff;background:#475569;border-radius:4px;padding:1px 6px;text-align:center}
.get{background:#15803d}.post{background:#1d4ed8}.delete{background:#b91c1c}code,pre{background:#f1f5f9}pre{padding:8px;overflow:auto;font-size:12px}
table{border-collapse:collapse}td,th{padding:3px 8px;border-bottom:1px solid #e2e8f0;text-align:left;vertical-align:top}details{margin:4px 0}`;

/** `code` spans for backticks; everything else escaped. */
function prose(text: string | undefined): string {
  return escapeXml(text ?? '')
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\n\n/g, '<br><br>');
}

function schemaBlock(schema: unknown): string {
  return `<pre>${escapeXml(JSON.stringify(schema, null, 2))}</pre>`;
}

function operationHtml(path: string, method: string, op: Operation): string {
  const params = (op.parameters ?? []).map(
    (p) =>
      `<tr><td><code>${escapeXml(p.name)}</code></td><td>${escapeXml(p.in)}${p.required ? ', required' : ''}</td><td>${prose(p.description)} <code>${escapeXml(JSON.stringify(p.schema ?? {}))}</code></td></tr>`,
  );
  const body = op.requestBody?.content?.['application/json']?.schema;
  const responses = Object.entries(op.responses ?? {}).map(([status, response]) => {
    const [type, media] = Object.entries(response.content ?? {})[0] ?? [];
    return `<details><summary><b>${escapeXml(status)}</b> ${escapeXml(type ?? '')} ${prose(response.description)}</summary>${media?.schema ? schemaBlock(media.schema) : ''}</details>`;
  });
  return `<div class="op" id="${escapeXml(`${method}-${path}`)}"><p><span class="method ${method}">${method.toUpperCase()}</span> <code>${escapeXml(path)}</code> — ${prose(op.summary)}</p>
${op.description ? `<p>${prose(op.description)}</p>` : ''}
${params.length ? `<table><tr><th>Parameter</th><th>In</th><th>What</th></tr>${params.join('')}</table>` : ''}
${body ? `<details><summary>Request body (JSON)</summary>${schemaBlock(body)}</details>` : ''}
<p>Responses:</p>${responses.join('')}</div>`;
}

/** The reference page of `document`. */
export function referencePage(document: Document): string {
  const byTag = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags?.[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), operationHtml(path, method, op)]);
    }
  }
  const sections = [...byTag].map(
    ([tag, ops]) => `<h2 id="${escapeXml(tag)}">${escapeXml(tag)}</h2>${ops.join('\n')}`,
  );
  const components = Object.entries(document.components?.schemas ?? {}).map(
    ([name, schema]) =>
      `<details><summary><code>${escapeXml(name)}</code></summary>${schemaBlock(schema)}</details>`,
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeXml(document.info.title)} — HTTP API</title><style>${STYLE}</style></head><body>
<h1>${escapeXml(document.info.title)} — HTTP API v${escapeXml(document.info.version)}</h1>
<p>${prose(document.info.description)}</p>
<p>The machine-readable contract: <a href="/v1/openapi.json"><code>/v1/openapi.json</code></a> (OpenAPI 3.1). Sections: ${[...byTag.keys()].map((t) => `<a href="#${escapeXml(t)}">${escapeXml(t)}</a>`).join(' · ')}</p>
${sections.join('\n')}
<h2>Shared schemas</h2>${components.join('')}
</body></html>`;
}
