import { z } from 'zod';
import type { ConnectionTestResult, ConnectorDeclaration } from './declaration.js';
import { idocFilesConnector } from './idoc-files/connector.js';
import { natsJsonConnector } from './nats-json/connector.js';
import { webhookJsonConnector } from './webhook-json/connector.js';
import { x12FilesConnector } from './x12-files/connector.js';

/** Every connector the hub ships, by id. */
export const CONNECTORS: readonly ConnectorDeclaration[] = [
  webhookJsonConnector,
  x12FilesConnector,
  idocFilesConnector,
  natsJsonConnector,
];

export function findConnector(id: string): ConnectorDeclaration | undefined {
  return CONNECTORS.find((c) => c.id === id);
}

/** A connector as the API shows it: schemas as JSON Schema, no functions. */
export function describeConnector(c: ConnectorDeclaration) {
  return {
    id: c.id,
    version: c.version,
    name: c.name,
    transport: c.transport,
    format: c.format,
    configSchema: z.toJSONSchema(c.configSchema, { io: 'input' }),
    secretsSchema: z.toJSONSchema(c.secretsSchema, { io: 'input' }),
    reads: c.reads,
    writes: c.writes,
  };
}

/**
 * Validates config and secrets against the connector's schemas, then runs its connection
 * test. Invalid settings are a result, not an exception: `ok: false` with what is wrong.
 */
export async function testConnector(
  c: ConnectorDeclaration,
  config: unknown,
  secrets: unknown,
): Promise<ConnectionTestResult & { durationMs: number }> {
  const started = Date.now();
  const cfg = c.configSchema.safeParse(config ?? {});
  const sec = c.secretsSchema.safeParse(secrets ?? {});
  const issues = [
    ...(cfg.success ? [] : cfg.error.issues.map((i) => `config.${i.path.join('.')}: ${i.message}`)),
    ...(sec.success ? [] : sec.error.issues.map((i) => `secrets.${i.path.join('.')}: ${i.message}`)),
  ];
  if (issues.length > 0) return { ok: false, detail: issues.join('; '), durationMs: Date.now() - started };
  const result = await c.testConnection(cfg.data, sec.data);
  return { ...result, durationMs: Date.now() - started };
}
