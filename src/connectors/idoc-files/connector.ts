import { z } from 'zod';
import type { ConnectorDeclaration } from '../declaration.js';
import { writableFolder } from '../x12-files/connector.js';

const config = z
  .object({ inbox: z.string().min(1).describe('folder SAP writes IDoc XML files into') })
  .strict();
const secrets = z.object({}).strict();

/** SAP ERP sending IDoc XML through a file port (MATMAS material master, DELVRY deliveries). */
export const idocFilesConnector: ConnectorDeclaration<typeof config, typeof secrets> = {
  id: 'sap-idoc-files',
  version: '1.0.0',
  name: 'SAP IDoc XML through a file port',
  transport: 'file',
  format: 'idoc',
  configSchema: config,
  secretsSchema: secrets,
  reads: [
    {
      messageType: 'item.master',
      description: 'MATMAS: the ERP’s material master, routed through ownership rules',
      defaultMapping:
        '{"command": "part.upsert", "input": {"partNumber": partNumber, "description": description, "baseUom": baseUom, "source": "ERP"}}',
    },
  ],
  writes: [],
  flowSettings(cfg, direction) {
    return direction === 'inbound'
      ? { ok: true, options: { directory: cfg.inbox } }
      : { ok: false, problem: 'sap-idoc-files only reads: the hub writes no IDoc XML' };
  },
  async testConnection(cfg) {
    const problem = await writableFolder(cfg.inbox);
    return problem ? { ok: false, detail: problem } : { ok: true, detail: `folder ready: ${cfg.inbox}` };
  },
};
