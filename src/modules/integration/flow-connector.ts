/**
 * A flow linked to a connector the hub ships: the connector's config (validated by its own
 * schema) sets the flow's transport options, and its secrets (when given) its webhook
 * secrets. The flow keeps everything else (mapping, events, snapshot and X12 options). Any
 * mismatch is a validation issue on the flow with the path of the field that is wrong.
 */
import type { z } from 'zod';
import { findConnector } from '../../connectors/index.js';

export interface ConnectorLinkInput {
  id: string;
  config: Record<string, unknown>;
  secrets?: Record<string, unknown> | undefined;
}

export interface LinkedConnector {
  id: string;
  version: string;
  /** The config as the connector's schema read it (defaults filled in). */
  config: Record<string, unknown>;
}

interface LinkableFlow {
  direction: 'inbound' | 'outbound';
  format: string;
  transport: string;
  options: Record<string, unknown>;
  webhookSecrets?: string[] | undefined;
}

export function linkConnector<F extends LinkableFlow>(
  flow: F,
  link: ConnectorLinkInput,
  ctx: z.RefinementCtx,
): (F & { connector: LinkedConnector }) | null {
  const issue = (path: Array<string | number>, message: string) => {
    ctx.addIssue({ code: 'custom', path: ['connector', ...path], message, input: link });
    return null;
  };
  const connector = findConnector(link.id);
  if (!connector) return issue(['id'], `no connector '${link.id}' (GET /api/v1/integration/connectors)`);
  if (connector.transport !== flow.transport || connector.format !== flow.format)
    return issue(
      ['id'],
      `${connector.id} carries ${connector.format} over ${connector.transport}; the flow is ${flow.format} over ${flow.transport}`,
    );
  const config = connector.configSchema.safeParse(link.config);
  if (!config.success) {
    for (const i of config.error.issues) issue(['config', ...i.path.map(String)], i.message);
    return null;
  }
  const settings = connector.flowSettings(config.data, flow.direction);
  if (!settings.ok) return issue(['config'], settings.problem);
  let webhookSecrets = flow.webhookSecrets;
  if (link.secrets !== undefined) {
    const secrets = connector.secretsSchema.safeParse(link.secrets);
    if (!secrets.success) {
      for (const i of secrets.error.issues) issue(['secrets', ...i.path.map(String)], i.message);
      return null;
    }
    webhookSecrets = connector.webhookSecrets?.(secrets.data) ?? webhookSecrets;
  }
  return {
    ...flow,
    // The connector owns the transport settings it names; the flow keeps the rest.
    options: { ...flow.options, ...settings.options },
    ...(webhookSecrets ? { webhookSecrets } : {}),
    connector: {
      id: connector.id,
      version: connector.version,
      config: config.data as Record<string, unknown>,
    },
  };
}
