/** The connectors the hub ships: declarations combining a transport and a format. */
export {
  CONNECTORS,
  findConnector,
  describeConnector,
  testConnector,
  connectorDescriptionSchema,
  type ConnectorDescription,
} from './registry.js';
export type {
  ConnectorDeclaration,
  MessageDeclaration,
  ConnectionTestResult,
  FlowSettings,
} from './declaration.js';
