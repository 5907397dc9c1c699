// Types of rounds.js for the TypeScript tests.
export declare const DEFAULT_ROUNDS: number;
export declare const MAX_ROUNDS: number;
export declare const ENGINE_USAGE: string;
export declare class EngineArgError extends Error {}
export declare function parseEngineArgs(argv: string[]): { quick: boolean; rounds: number; help: boolean };
export declare function rotationOffset(round: number, rounds: number, count: number): number;
export declare function rotate<T>(list: T[], offset: number): T[];
export interface GroupSpec { group: string; targets: string[]; args: (target: string) => string[] }
export interface ScheduledCase { group: string; target: string; round: number; position: number; args: string[] }
export declare function scheduleRounds(groups: GroupSpec[], rounds: number): ScheduledCase[];
