import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { z } from 'zod';
import type { ConnectorDeclaration } from '../declaration.js';

const config = z
  .object({
    servers: z.string().min(1).default('nats://127.0.0.1:4222'),
    stream: z.string().min(1).describe('JetStream stream holding the subject'),
    subject: z.string().min(1),
  })
  .strict();
const secrets = z.object({}).strict();

/** Systems that publish and consume JSON events on NATS JetStream. */
export const natsJsonConnector: ConnectorDeclaration<typeof config, typeof secrets> = {
  id: 'nats-json',
  version: '1.0.0',
  name: 'JSON events on NATS JetStream',
  transport: 'nats',
  format: 'json',
  configSchema: config,
  secretsSchema: secrets,
  reads: [
    {
      messageType: 'stock.receipt',
      description: 'a receipt posted by a warehouse or van system',
      defaultMapping:
        '{"command": "stock.receive", "input": {"partNumber": partNumber, "locationCode": locationCode, "quantity": quantity, "reference": reference}}',
    },
  ],
  writes: [
    {
      messageType: 'inventory.stock_moved',
      description: 'every stock movement',
      defaultMapping: '{"key": key, "lines": payload.lines}',
    },
  ],
  // The hub dials the NATS servers of SPAREHUB_NATS_URL; `servers` is for the connection test.
  flowSettings(cfg, direction) {
    return {
      ok: true,
      options:
        direction === 'inbound' ? { subject: cfg.subject, stream: cfg.stream } : { subject: cfg.subject },
    };
  },
  async testConnection(cfg) {
    try {
      const nc = await connect({ servers: cfg.servers, timeout: 3000, maxReconnectAttempts: 0 });
      try {
        const info = await (await jetstreamManager(nc)).streams.info(cfg.stream);
        return {
          ok: true,
          detail: `stream ${cfg.stream} holds ${info.state.messages} messages on ${info.config.subjects.join(', ')}`,
        };
      } catch (error) {
        return { ok: false, detail: `stream ${cfg.stream}: ${(error as Error).message}` };
      } finally {
        await nc.close();
      }
    } catch (error) {
      return { ok: false, detail: `${cfg.servers}: ${(error as Error).message}` };
    }
  },
};
