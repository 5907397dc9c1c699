// Types of engine-report.js for the TypeScript tests.
import type { RoundSummary } from './paired.js';
export declare const METRICS: Record<string, (r: any) => number | null>;
export interface GoalSpec { measure: string; group: string; target: string; baseline: string; metric: string; goal: string }
export declare const GOALS: GoalSpec[];
export interface EngineLayout {
  rounds: number; echoSizes: string[]; echoTargets: string[]; memoryTargets: string[]; fanoutTargets: string[];
  echoSeconds: string; idleConnections: string; subscribers: string; publications: string;
}
export declare function engineReport(results: any[], layout: EngineLayout): {
  lines: string[];
  goals: Array<GoalSpec & RoundSummary>;
  summary: Record<string, Record<string, any>>;
};
