// Types of memory.js for the TypeScript tests.
export declare const YOUNG_GENERATION_SPACES: readonly string[];
export declare function youngGenerationBytes(spaces: Record<string, number> | null | undefined): number | null;
export interface MemorySample {
  rss: number | null; heapUsed: number | null; youngGeneration: number | null; heapSpaces?: Record<string, number> | null;
}
export declare function perConnection(before: number | null, after: number | null, connections: number): number | null;
export interface IdleMemory {
  rssBefore: number | null; rssAfter: number | null; rssPerConnection: number | null;
  heapBefore: number | null; heapAfter: number | null; heapPerConnection: number | null;
  youngGenerationBefore: number | null; youngGenerationAfter: number | null;
  rssExclYoungGenPerConnection: number | null;
  heapSpacesBefore: Record<string, number> | null; heapSpacesAfter: Record<string, number> | null;
}
export declare function idleMemory(before: MemorySample, after: MemorySample, connections: number): IdleMemory;
