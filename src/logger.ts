// Structured JSON logs (pino). One logger per gateway; components take a child
// with their name. Nothing logs per message at the default level.
import { pino, type Logger } from 'pino';
import type { LogLevel } from './control/config-types.js';

export type { Logger };

export function createLogger(level: LogLevel, destination?: NodeJS.WritableStream): Logger {
  return pino({ name: 'pushgate', level, base: { pid: process.pid } }, destination ?? pino.destination(1));
}
