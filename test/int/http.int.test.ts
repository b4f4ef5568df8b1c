import { expect, it } from 'vitest';
import { VERSION } from '../../src/main.js';
import { describeEachStore } from '../support/each-store.js';
import { uniqueCode } from '../support/factories.js';

describeEachStore('HTTP surface', (hub) => {
  it('answers /health and /ready without a key, naming the store', async () => {
    const t = hub();
    expect((await t.api('GET', '/health', { key: null })).body).toEqual({ status: 'ok', version: VERSION });
    expect((await t.api('GET', '/ready', { key: null })).body).toEqual({ status: 'ready', store: t.dialect });
  });

  it('answers /ready with a NOT_READY problem, whole, while the store does not answer', async () => {
    const t = hub();
    const store = t.hub.store as { ping(): Promise<void> };
    const ping = store.ping.bind(store);
    store.ping = () => Promise.reject(new Error('connection refused'));
    try {
      const res = await t.api('GET', '/ready', { key: null });
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).toEqual({
        type: 'urn:sparehub:problem:not-ready',
        title: 'The hub is not ready',
        status: 503,
        detail: 'The store does not answer: connection refused',
        instance: '/ready',
        code: 'NOT_READY',
        requestId: res.headers['x-request-id'],
      });
    } finally {
      store.ping = ping;
    }
    expect((await t.api('GET', '/ready', { key: null })).status).toBe(200);
  });

  it('serves Prometheus metrics including request durations', async () => {
    const t = hub();
    await t.api('GET', '/api/v1/parts');
    const res = await t.api('GET', '/metrics', { key: null });
    expect(res.status).toBe(200);
    expect(String(res.headers['content-type'])).toContain('text/plain');
    expect(res.body).toContain('sparehub_http_request_duration_seconds_bucket');
    expect(res.body).toContain('route="/api/v1/parts"');
  });

  it('publishes an OpenAPI 3 document and the interactive docs', async () => {
    const t = hub();
    const doc = await t.api('GET', '/docs/json', { key: null });
    expect(doc.body.openapi).toMatch(/^3\./);
    for (const path of [
      '/api/v1/parts',
      '/api/v1/locations',
      '/api/v1/stock/movements',
      '/api/v1/stock',
      '/api/v1/reservations',
      '/api/v1/reservations/{id}/release',
      '/api/v1/parts/resolve',
    ]) {
      expect(Object.keys(doc.body.paths)).toContain(path);
    }
    const html = await t.hub.app.inject({ method: 'GET', url: '/docs/' });
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toContain('text/html');
  });

  it('keeps a client request id and reports it in problems', async () => {
    const t = hub();
    const res = await t.api('GET', '/api/v1/parts/NO-SUCH', { headers: { 'x-request-id': 'trace-abc-123' } });
    expect(res.headers['x-request-id']).toBe('trace-abc-123');
    expect(res.body).toMatchObject({ code: 'PART_NOT_FOUND', requestId: 'trace-abc-123' });
  });

  it('answers an unknown route with ROUTE_NOT_FOUND', async () => {
    const t = hub();
    const res = await t.api('GET', '/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.code).toBe('ROUTE_NOT_FOUND');
  });

  it('replays a command sent twice with the same Idempotency-Key and refuses the key for another request', async () => {
    const t = hub();
    const body = { partNumber: uniqueCode('IDEM'), description: 'x', baseUom: 'EA' };
    const key = uniqueCode('key');
    const first = await t.api('POST', '/api/v1/parts', { body, headers: { 'idempotency-key': key } });
    const second = await t.api('POST', '/api/v1/parts', { body, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toEqual(first.body);
    const other = await t.api('POST', '/api/v1/parts', {
      body: { ...body, description: 'y' },
      headers: { 'idempotency-key': key },
    });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const bad = await t.api('POST', '/api/v1/parts', {
      body,
      headers: { 'idempotency-key': 'has spaces in it' },
    });
    expect(bad.body.code).toBe('IDEMPOTENCY_KEY_INVALID');
  });
});
