/**
 * The logging the NATS transport needs: the pino call shape `(fields, message)`, so the
 * platform logger (or a child of it) can be passed as is.
 */
export interface TransportLog {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

const ignore = (): void => {};

export const silentLog: TransportLog = { debug: ignore, info: ignore, warn: ignore, error: ignore };
