import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../db/client';
import { changeArticle, createArticle, getArticle, listArticles, type ArticleChange } from '../../db/queries/kb';
import { getComplaint } from '../../db/queries/complaints';
import type { ArticleRow, ArticleStatus } from '../../db/schema';
import { complaintTerms, newArticleId, type KnowledgeBase } from '../../kb/knowledge-base';
import { requireRoles } from '../auth';
import { AppError } from '../errors';
import { authErrors, errorResponse, idParams, withinTimeBounds } from '../schemas/common';
import { articleCreate, articleIdParams, articleListQuery, articlePage, articlePatch, articleTransition, articleView, searchQuery, searchResponse, similarQuery, similarResponse } from '../schemas/kb';

export interface KbRouteDeps {
  db: Db;
  kb: KnowledgeBase;
}

const STAFF = ['agent', 'supervisor', 'admin', 'auditor'] as const;
const EDITORS = ['agent', 'supervisor', 'admin'] as const;
const errors = { 404: errorResponse, 409: errorResponse, ...authErrors };

/** Which status an action may leave from: a rejected draft stays rejected; a retired article may return. */
const TRANSITIONS: Record<'publish' | 'retire' | 'reject', { to: ArticleStatus; from: ArticleStatus[] }> = {
  publish: { to: 'published', from: ['draft', 'retired'] },
  retire: { to: 'retired', from: ['draft', 'published'] },
  reject: { to: 'rejected', from: ['draft'] },
};

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const articleOut = (a: ArticleRow) => ({ ...a, createdAt: a.createdAt.toISOString(), updatedAt: a.updatedAt.toISOString(), publishedAt: iso(a.publishedAt) });

const encodeCursor = (a: ArticleRow) => Buffer.from(`${a.updatedAt.getTime()}:${a.id}`).toString('base64url');
function decodeCursor(c: string): { updatedAt: Date; id: string } {
  const m = /^(\d{1,15}):([a-z0-9-]{3,80})$/.exec(Buffer.from(c, 'base64url').toString());
  if (!m || !withinTimeBounds(Number(m[1]))) throw new AppError('VALIDATION_FAILED', 'The cursor is not one this API gave out.', [{ path: 'querystring.cursor', message: 'invalid cursor' }]);
  return { updatedAt: new Date(Number(m[1])), id: m[2]! };
}

/** The first lines of an article that contain a query term, for a result list. */
function snippet(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
}

/** Knowledge-base articles (agents and admins write, staff read), search, and similar past complaints. */
export const kbRoutes =
  ({ db, kb }: KbRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const mustExist = async (id: string): Promise<ArticleRow> => {
      const a = await getArticle(db, id);
      if (!a) throw new AppError('NOT_FOUND', `No article ${id}.`);
      return a;
    };
    const apply = async (id: string, version: number | undefined, change: ArticleChange, actor: { subject: string; role: string }) => {
      const r = await changeArticle(db, id, version, change, actor);
      if (r === undefined) throw new AppError('NOT_FOUND', `No article ${id}.`);
      if (r === 'stale') throw new AppError('INVALID_STATE', 'The article changed since you read it; read it again and retry.', [{ path: 'version', message: 'stale version' }]);
      return articleOut(r);
    };

    app.get(
      '/v1/kb/search',
      { onRequest: requireRoles(...STAFF), schema: { tags: ['knowledge base'], summary: 'Search published articles (Chinese and English, BM25)', querystring: searchQuery, response: { 200: searchResponse, ...authErrors } } },
      async (req) => {
        const hits = await kb.search(req.query.q, { language: req.query.lang, category: req.query.category, limit: req.query.limit });
        return { items: hits.map(({ article: a, score }) => ({ id: a.id, title: a.title, language: a.language, category: a.category, tags: a.tags, score, snippet: snippet(a.body) })) };
      },
    );

    app.get(
      '/v1/kb/articles',
      { onRequest: requireRoles(...STAFF), schema: { tags: ['knowledge base'], summary: 'Articles, most recently changed first', querystring: articleListQuery, response: { 200: articlePage, ...authErrors } } },
      async (req) => {
        const { limit, cursor, lang, ...rest } = req.query;
        const rows = await listArticles(db, { ...rest, language: lang }, limit + 1, cursor ? decodeCursor(cursor) : undefined);
        const page = rows.slice(0, limit);
        return { items: page.map(articleOut), nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null };
      },
    );

    app.get(
      '/v1/kb/articles/:id',
      { onRequest: requireRoles(...STAFF), schema: { tags: ['knowledge base'], summary: 'One article', params: articleIdParams, response: { 200: articleView, 404: errorResponse, ...authErrors } } },
      async (req) => articleOut(await mustExist(req.params.id)),
    );

    app.post(
      '/v1/kb/articles',
      { onRequest: requireRoles(...EDITORS), schema: { tags: ['knowledge base'], summary: 'Write an article (a draft until published)', body: articleCreate, response: { 201: articleView, 413: errorResponse, 415: errorResponse, ...authErrors } } },
      async (req, reply) => {
        const id = newArticleId();
        const row = await createArticle(db, id, req.body, req.principal!);
        reply.header('location', `/v1/kb/articles/${id}`);
        return reply.status(201).send(articleOut(row!));
      },
    );

    app.patch(
      '/v1/kb/articles/:id',
      { onRequest: requireRoles(...EDITORS), schema: { tags: ['knowledge base'], summary: 'Edit an article (send the version you read)', params: articleIdParams, body: articlePatch, response: { 200: articleView, 415: errorResponse, ...errors } } },
      async (req) => {
        const current = await mustExist(req.params.id);
        if (current.status === 'rejected' || current.status === 'retired') throw new AppError('INVALID_STATE', `A ${current.status} article cannot be edited.`);
        const { version, ...fields } = req.body;
        return apply(req.params.id, version, { kind: 'edit', fields }, req.principal!);
      },
    );

    for (const action of ['publish', 'retire', 'reject'] as const) {
      const t = TRANSITIONS[action];
      app.post(
        `/v1/kb/articles/:id/${action}`,
        { onRequest: requireRoles(...EDITORS), schema: { tags: ['knowledge base'], summary: `${action[0]!.toUpperCase()}${action.slice(1)} an article (from ${t.from.join(' or ')})`, params: articleIdParams, body: articleTransition, response: { 200: articleView, ...errors } } },
        async (req) => {
          const current = await mustExist(req.params.id);
          if (current.status === t.to) return articleOut(current); // a repeat is a no-op
          if (!t.from.includes(current.status)) throw new AppError('INVALID_STATE', `Cannot ${action} a ${current.status} article.`);
          return apply(req.params.id, req.body?.version ?? current.version, { kind: 'status', to: t.to }, req.principal!);
        },
      );
    }

    app.get(
      '/v1/complaints/:id/similar',
      { onRequest: requireRoles(...STAFF), schema: { tags: ['knowledge base'], summary: 'The most similar past complaints (resolved or closed), with their outcomes', params: idParams, querystring: similarQuery, response: { 200: similarResponse, 404: errorResponse, ...authErrors } } },
      async (req) => {
        const row = await getComplaint(db, req.params.id);
        if (!row) throw new AppError('NOT_FOUND', `No complaint ${req.params.id}.`);
        const terms = row.searchTerms ?? complaintTerms([row.subject, row.body].filter(Boolean).join('\n'));
        const rows = await kb.similar(row.id, row.keywords, terms, req.query.limit);
        return { items: rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString(), closedAt: iso(r.closedAt) })) };
      },
    );
  };
