import { z } from 'zod';
import type { Expect, SameType } from '../platform/same-type.js';
import type { ConnectionTestResult, ConnectorDeclaration, MessageDeclaration } from './declaration.js';
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

const messageDeclarationSchema = z.object({
  messageType: z.string().describe('canonical message type or external document the mapping starts from'),
  description: z.string(),
  defaultMapping: z.string().describe('JSONata to start from: installed as version 1 of a mapping'),
});
// Declarations are sent as they are, through this schema: a field it lacked would be stripped.
type _MessageDeclarationMatches = Expect<
  SameType<MessageDeclaration, z.infer<typeof messageDeclarationSchema>>
>;

/** A connector as the API shows it: schemas as JSON Schema, no functions. */
export const connectorDescriptionSchema = z.object({
  id: z.string(),
  version: z.string(),
  name: z.string(),
  transport: z.enum(['http', 'file', 'nats']),
  format: z.enum(['json', 'csv', 'x12', 'idoc']),
  configSchema: z
    .record(z.string(), z.unknown())
    .describe('JSON Schema of the config a flow gives it (connector.config)'),
  secretsSchema: z
    .record(z.string(), z.unknown())
    .describe('JSON Schema of its secrets (connector.secrets, never shown again)'),
  reads: z.array(messageDeclarationSchema).describe('messages it receives, for inbound flows'),
  writes: z.array(messageDeclarationSchema).describe('messages it sends, for outbound flows'),
});
export type ConnectorDescription = z.infer<typeof connectorDescriptionSchema>;

/** A connector as the API shows it: schemas as JSON Schema, no functions. */
export function describeConnector(c: ConnectorDeclaration): ConnectorDescription {
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
