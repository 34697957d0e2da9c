import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

// chart.js ships a UMD build; served from our own node_modules so the page needs nothing from a CDN.
const chartUmd = path.join(path.dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');
const page = new URL('../dashboard/dashboard.html', import.meta.url);

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * The page's Content-Security-Policy: its one inline script and stylesheet by hash, chart.js from our own
 * origin, fetch only to this API; nothing else (no other origin, no inline handlers, no framing). An
 * injected script or style in the page would not run.
 */
export function dashboardCsp(html: string): string {
  const inline = (tag: string) => [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => sha256(m[1]!));
  return [
    "default-src 'none'",
    `script-src 'self' ${inline('script').join(' ')}`,
    `style-src ${inline('style').join(' ')}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The supervisors' and managers' dashboard: a static page (public, it holds no data) that asks for an
 * API token and draws its charts from the analytics API with it, so roles apply exactly as on the API.
 */
export const dashboardRoutes = (): FastifyPluginAsyncZod => async (app) => {
  // Read once at registration: both files are part of the release, not data.
  const html = readFileSync(page, 'utf8');
  const chartJs = readFileSync(chartUmd, 'utf8');
  const csp = dashboardCsp(html);
  app.get('/dashboard', { schema: { hide: true } }, async (_req, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').header('content-security-policy', csp).send(html));
  app.get('/dashboard/chart.umd.min.js', { schema: { hide: true } }, async (_req, reply) =>
    reply.type('application/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').send(chartJs),
  );
};
