/** The package's entry points as tsup builds them (tsup.config.ts); the benchmarks bundle the same set. */
export const PACKAGE_ENTRIES = { index: 'src/index.ts', 'ai-sdk': 'src/ai-sdk/index.ts', server: 'src/server/index.ts', cli: 'src/cli.ts' } as const;
