import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    base: { service: 'sparehub' },
    timestamp: pino.stdTimeFunctions.isoTime,
    // API keys must never reach the logs.
    redact: ['req.headers.authorization', 'headers.authorization'],
  };
}

export function createLogger(level: string): Logger {
  return pino(loggerOptions(level));
}
