import type { z } from 'zod';

/**
 * A connector is a declaration (ARCHITECTURE.md): which transport and format it combines,
 * what it needs to be configured (config and secrets, each a zod schema), how to test a
 * connection, and the messages it reads and writes — each with a default mapping that an
 * integration administrator installs as a mapping version and adapts.
 */
export interface MessageDeclaration {
  /** Canonical message type or external document the mapping starts from. */
  messageType: string;
  description: string;
  /** A JSONata mapping to start from; installed as version 1 of a mapping. */
  defaultMapping: string;
}

export interface ConnectionTestResult {
  ok: boolean;
  detail: string;
}

export interface ConnectorDeclaration<C extends z.ZodType = z.ZodType, S extends z.ZodType = z.ZodType> {
  id: string;
  version: string;
  name: string;
  transport: 'http' | 'file' | 'nats';
  format: 'json' | 'csv' | 'x12' | 'idoc';
  configSchema: C;
  secretsSchema: S;
  reads: MessageDeclaration[];
  writes: MessageDeclaration[];
  testConnection(config: z.infer<C>, secrets: z.infer<S>): Promise<ConnectionTestResult>;
  /**
   * What a flow linked to this connector takes from its config: the transport options
   * (folder, URL, subject …), or why this connector cannot carry a flow in that direction.
   */
  flowSettings(config: z.infer<C>, direction: 'inbound' | 'outbound'): FlowSettings;
  /** The flow's webhook signing secrets from the connector's secrets, when it signs. */
  webhookSecrets?(secrets: z.infer<S>): string[];
}

export type FlowSettings = { ok: true; options: Record<string, unknown> } | { ok: false; problem: string };
