/**
 * The layering of src/, enforced by `npm run lint:deps` (part of `npm test`, hence CI).
 *
 * Layers, low to high. A module imports only from its own layer or a lower one; a layer's
 * folders that are peers (the services) do not import each other, except as listed.
 * Why this order: spec/ is the vocabulary everything shares (types only); config/ turns
 * what a user writes into validated options; the services each do one job behind a narrow
 * interface; the pipeline runs any operation through them; the client, the HTTP handler
 * and the faces on top only call down.
 *
 * There are no exceptions: any violation fails the build.
 */
const LAYERS = [
  { name: 'spec', paths: ['src/spec/'] },
  { name: 'internal', paths: ['src/internal/'] },
  { name: 'errors', paths: ['src/errors/'] },
  { name: 'config', paths: ['src/config/'] },
  // The shared-state stores (memory, Redis): the one service every other service keeps its counters in.
  { name: 'state', paths: ['src/state/'] },
  {
    name: 'services',
    paths: ['src/registry/', 'src/providers/', 'src/strategies/', 'src/resilience/', 'src/budgets/', 'src/cache/', 'src/observability/'],
    peers: true,
  },
  // Shadow evaluation sits below the pipeline, not above it: pipeline/run.ts ends with the
  // shadow step (DESIGN.md), and shadow/ is handed a runner function rather than importing one.
  { name: 'shadow', paths: ['src/shadow/'] },
  // Generic over operations: never imports operations/ or client/.
  { name: 'pipeline', paths: ['src/pipeline/'] },
  { name: 'operations', paths: ['src/operations/'] },
  { name: 'client', paths: ['src/client/'] },
  { name: 'http', paths: ['src/http/'] },
  { name: 'composition', paths: ['src/create-router.ts'] },
  // Library faces the package entry re-exports.
  { name: 'library-faces', paths: ['src/evaluation/', 'src/validators/'] },
  // The package entry: it re-exports every layer below, so nothing may import it.
  { name: 'entry', paths: ['src/index.ts'] },
  // Separate entry points (./ai-sdk, ./server, the CLI).
  { name: 'faces', paths: ['src/ai-sdk/', 'src/server/', 'src/cli.ts'], peers: true },
];

const re = (paths) => `^(${paths.map((p) => p.replace(/[.]/g, '\\.')).join('|')})`;

const layerRules = LAYERS.flatMap((layer, i) => {
  const higher = LAYERS.slice(i + 1).flatMap((l) => l.paths);
  const rules = [];
  if (higher.length) {
    rules.push({
      name: `no-upward-import-from-${layer.name}`,
      comment: `${layer.name} may import only from its own layer or below (${LAYERS.slice(0, i + 1).map((l) => l.name).join(' < ')}).`,
      severity: 'error',
      from: { path: re(layer.paths) },
      to: { path: re(higher) },
    });
  }
  if (layer.peers) {
    for (const p of layer.paths) {
      const others = layer.paths.filter((q) => q !== p);
      rules.push({
        name: `no-peer-import-from-${p.replace(/^src\//, '').replace(/[/.]/g, '-').replace(/-+$/, '')}`,
        comment: `${p} is a peer of ${others.join(', ')}: it does not import them (shared types live in spec/).`,
        severity: 'error',
        from: { path: re([p]) },
        to: { path: re(others) },
      });
    }
  }
  return rules;
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycles: a cycle means two modules are really one, or a type sits in the wrong layer.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'spec-imports-nothing-of-src',
      comment: 'spec/ is the floor: it may import only other spec/ files (and types from the SDKs).',
      severity: 'error',
      from: { path: '^src/spec/' },
      to: { path: '^src/', pathNot: '^src/spec/' },
    },
    {
      name: 'spec-is-types-only',
      comment: 'spec/ holds types only: every import in it is `import type`.',
      severity: 'error',
      from: { path: '^src/spec/' },
      to: { dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'providers-never-import-pipeline',
      comment: 'An adapter translates one wire protocol; it knows nothing of routing or of the client.',
      severity: 'error',
      from: { path: '^src/providers/' },
      to: { path: '^src/(pipeline|operations|shadow|client|http)/' },
    },
    {
      name: 'pipeline-is-generic',
      comment: 'The pipeline runs any operation: it never imports a particular operation or the client.',
      severity: 'error',
      from: { path: '^src/pipeline/' },
      to: { path: '^src/(operations|client)/' },
    },
    {
      name: 'internal-is-not-exported',
      comment: 'internal/ is never part of the public surface: no package entry re-exports it.',
      severity: 'error',
      from: { path: '^src/(index\\.ts|ai-sdk/index\\.ts|server/index\\.ts)$' },
      to: { path: '^src/internal/' },
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
