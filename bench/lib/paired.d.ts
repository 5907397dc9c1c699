// Types of paired.js for the TypeScript tests.
export interface RoundSummary {
  median: number | null; min: number | null; max: number | null;
  counted: number; rounds: number; perRound: Array<number | null>;
}
export declare function median(values: number[]): number | null;
export declare function runValue(result: any, metric: (r: any) => number | null | undefined): number | null;
export declare function roundsOf(results: any[], group: string): number[];
export declare function targetSummary(results: any[], group: string, target: string, metric: (r: any) => number | null | undefined): RoundSummary;
export declare function pairedRatio(results: any[], group: string, target: string, baseline: string, metric: (r: any) => number | null | undefined): RoundSummary;
export declare function statusOf(results: any[], group: string, target: string): string;
export declare function formatRatio(s: RoundSummary): string;
export declare function formatSummary(s: RoundSummary, format: (v: number) => string): string;
