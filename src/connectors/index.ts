/** The connectors the hub ships: declarations combining a transport and a format. */
export { CONNECTORS, findConnector, describeConnector, testConnector } from './registry.js';
export type {
  ConnectorDeclaration,
  MessageDeclaration,
  ConnectionTestResult,
  FlowSettings,
} from './declaration.js';
