// Types of histogram.js for the TypeScript tests.
import type { Histogram } from 'hdr-histogram-js';
export declare const HIGHEST_US: number;
export declare function createHistogram(): Histogram;
export declare function recordMs(histogram: Histogram, ms: number): void;
export declare function encodeHistogram(histogram: Histogram): string;
export declare function mergeEncoded(encoded: string[]): Histogram;
export interface LatencySummary { count: number; p50: number; p90: number; p99: number; p999: number; max: number; mean: number; stdev: number }
export declare function latencySummary(histogram: Histogram): LatencySummary;
