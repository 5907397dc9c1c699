// Types of targets.js for the TypeScript tests.
import type { TargetSpec } from './args.js';
import type { MemorySample } from './memory.js';
export declare class TargetUnavailableError extends Error {
  constructor(target: string, reason: string);
  target: string;
  reason: string;
}
export interface Target {
  name: string; host: string; port: number; pid: number | null;
  echoPath: string; streamPath: (channel: string) => string; publishPath: (channel: string) => string;
  supportsJwt: boolean; supportsInproc: boolean; description: string;
  memory(): Promise<MemorySample>;
  cpuMs(): number | null;
  publishInproc(request: object): Promise<any>;
  stop(): Promise<void>;
}
export declare function freePort(): Promise<number>;
export declare function startNamedTarget(name: string, options?: { jwtSecret?: string; inproc?: boolean }): Promise<Target>;
export declare function externalTarget(spec: { host: string; port: number; path: string; url: string }): Target;
export declare function startTarget(spec: TargetSpec, options?: { jwtSecret?: string; inproc?: boolean }): Promise<Target>;
