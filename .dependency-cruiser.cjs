/* global module */
/**
 * The import rules of the tree (see CONTRIBUTING.md, "Where things live"), checked by `npm run imports` as part of
 * `npm run check`: data flows one way, production code never reaches into the tests, and there are no cycles.
 * test/imports.test.ts proves each rule fails on a planted violation.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-test-imports-outside-test',
      comment:
        'Nothing outside test/ imports test/: the product and its package must not depend on test code.',
      severity: 'error',
      from: { pathNot: '^test/' },
      to: { path: '^test/' },
    },
    {
      name: 'shared-does-not-import-adapters',
      comment:
        'shared/ is the pipeline; functions/ (Azure adapters), cli/ (amlmon) and sim/ (the simulator) build on it, never the reverse.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^(functions|cli|sim)/' },
    },
    {
      name: 'snapshot-does-not-run-diagnosis',
      comment:
        'Evidence is collected before it is diagnosed: shared/snapshot/ may name diagnosis types (a classified build log) but never runs its code; the build-log reader is passed in (shared/diagnosis/bundle.ts).',
      severity: 'error',
      from: { path: '^shared/snapshot/' },
      to: { path: '^shared/diagnosis/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'config-does-not-import-notify',
      comment:
        'Settings are read before anything is sent: delivery builds on shared/config/, never the reverse.',
      severity: 'error',
      from: { path: '^shared/config/' },
      to: { path: '^shared/notify/' },
    },
    {
      name: 'no-cycles',
      comment:
        'An import cycle makes load order matter and stages inseparable; break it by moving the shared part down.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-unresolvable',
      comment: 'An import that does not resolve would make the checks above blind to it.',
      severity: 'error',
      from: {},
      // @azure/functions-core is the Functions host's built-in module; its test stands in via NODE_PATH.
      to: { couldNotResolve: true, pathNot: '^@azure/functions-core$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|dist-dev|node_modules)/' },
    tsConfig: { fileName: 'tsconfig.test.json' },
    // Type-only imports count too: a type cycle still ties two stages together.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      extensions: ['.ts', '.js', '.json'],
      // Resolve packages through their "exports" (vega-lite has no "main"), as Node does.
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
