// Types of args.js for the TypeScript tests.
export declare const SCENARIOS: readonly string[];
export declare const TARGET_NAMES: readonly string[];
export declare const FANOUT_HEADER_BYTES: number;
export declare const USAGE: string;
export declare class ArgError extends Error {}
export type TargetSpec = { kind: 'named'; name: string } | { kind: 'url'; url: string; host: string; port: number; path: string };
export interface BenchOptions {
  scenario: 'echo' | 'fanout' | 'connect' | 'idle';
  connections: number; duration: number; pipelining: number; size: number;
  text: boolean; target: TargetSpec; json: boolean; workers: number | null;
  channels: number; rate: number; publications: number; via: 'http' | 'inproc';
  publishConcurrency: number; jwt: boolean; jwtSecret: string; concurrency: number;
  sourceAddresses: number | null; settle: number; help: boolean; quiet: boolean;
}
export declare function isLoopbackHost(host: string): boolean;
export declare function parseTarget(raw: string): TargetSpec;
export declare function parseArgs(argv: string[]): BenchOptions;
