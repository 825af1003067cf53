// GET /docs: a self-contained HTML page listing the API's operations, rendered from the OpenAPI document.
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.js';

/** The parts of an OpenAPI document the page reads. */
interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  paths?: Record<
    string,
    Record<string, { summary?: string; description?: string; responses?: Record<string, unknown> }>
  >;
}

const methods = ['get', 'post', 'put', 'patch', 'delete'];

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/**
 * A plain table of the operations, their statuses and descriptions, with a link to the full document.
 * Swagger UI and its kin load their scripts from a CDN, and this service must work offline, so the page
 * has no script and no external asset at all.
 */
export function renderDocsPage(doc: OpenApiDocument): string {
  const rows = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    methods
      .filter((m) => item[m])
      .map((m) => {
        const op = item[m] ?? {};
        const statuses = Object.keys(op.responses ?? {}).join(' ');
        return (
          `<tr><td class="m">${m.toUpperCase()}</td><td><code>${escapeHtml(path)}</code></td>` +
          `<td><strong>${escapeHtml(op.summary ?? '')}</strong><br>${escapeHtml(op.description ?? '')}</td>` +
          `<td>${escapeHtml(statuses)}</td></tr>`
        );
      }),
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(doc.info.title)}</title>
<style>body{font:15px/1.4 system-ui,sans-serif;margin:2rem;max-width:72rem}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.4rem .6rem;text-align:left;vertical-align:top}.m{font-weight:600}code{font-size:14px}</style>
</head><body><h1>${escapeHtml(doc.info.title)} <small>${escapeHtml(doc.info.version)}</small></h1>
<p>${escapeHtml(doc.info.description ?? '')}</p>
<p>Schemas and examples: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.0). Every error is
<code>{ "error": { "code", "message", "details"?, "requestId" } }</code>. The domain events this service
publishes on NATS: <a href="/asyncapi.json">/asyncapi.json</a> (AsyncAPI 3.0).</p>
<table><thead><tr><th>Method</th><th>Path</th><th>What</th><th>Statuses</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table></body></html>`;
}

/** `document` returns the generated OpenAPI object (typed by the generator; read here through `OpenApiDocument`). */
export function docsRoutes(document: () => object) {
  return new Hono<AppEnv>().get('/docs', (c) => c.html(renderDocsPage(document() as OpenApiDocument)));
}
