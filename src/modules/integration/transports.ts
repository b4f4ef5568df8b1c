import { createFileDropWriter } from '../../connectors/transports/file-drop/index.js';
import { createWebhookSender } from '../../connectors/transports/webhook/index.js';
import type { Deliver } from '../../connectors/transports/types.js';
import type { Flow } from './integration.schemas.js';
import type { TransportFactory } from './outbound.service.js';

const unavailable =
  (code: string, detail: string): Deliver =>
  () =>
    Promise.resolve({ ok: false, errorCode: code, permanent: true, detail });

/**
 * How each outbound flow's messages leave the hub, from the flow's own settings: HTTP
 * webhooks signed with the flow's first secret, files written whole into the flow's
 * directory, or NATS JetStream publishes with the delivery id as Nats-Msg-Id. A flow whose transport cannot send
 * (no URL, or a transport not wired for outbound yet) dead-letters with the reason.
 */
export function defaultTransports(nats?: { deliverFor(flow: Flow): Deliver }): TransportFactory {
  return (flow: Flow, secrets: string[]): Deliver => {
    switch (flow.transport) {
      case 'http':
        if (!flow.options.url) return unavailable('FLOW_MISCONFIGURED', `flow ${flow.code} has no url`);
        return createWebhookSender({ url: flow.options.url, secret: secrets[0], timeoutMs: 10_000 });
      case 'file':
        if (!flow.options.directory)
          return unavailable('FLOW_MISCONFIGURED', `flow ${flow.code} has no directory`);
        return createFileDropWriter({ outbox: flow.options.directory });
      case 'nats':
        if (!nats) return unavailable('TRANSPORT_NOT_AVAILABLE', 'this hub runs without NATS');
        return nats.deliverFor(flow);
    }
  };
}
