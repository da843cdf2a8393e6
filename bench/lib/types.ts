/** The benchmark contract shared by every bench/<name>.bench.ts (see bench/run.ts). */
export interface BenchSection { title: string; method: string; iterations: number; rows: Array<Record<string, string | number>>; notes?: string[] }

export type BenchRun = (opts: { smoke: boolean }) => Promise<BenchSection[]>;
