/**
 * The rooms of src/ and the direction of their doors (ARCHITECTURE.md, "Code layout").
 * `npm run lint` runs this; a violation fails CI. test/unit/lint/layering.test.ts proves it.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'Import cycles hide which room depends on which.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'The domain holds rules and types only: no web framework, database driver, payment SDK or HTTP code.',
      from: { path: '^src/domain/' },
      to: { path: ['^src/(http|db|shards|catalog|infra|app|payments|fleet|outbox)/', 'node_modules/(express|@libsql|libsql|stripe)/'] },
    },
    {
      name: 'data-plane-never-imports-http',
      severity: 'error',
      comment: 'Shards, the catalog and the database adapters serve every caller; they know nothing of HTTP.',
      from: { path: '^src/(shards|db|catalog|fleet)/' },
      to: { path: ['^src/http/', 'node_modules/express/'] },
    },
    {
      name: 'features-never-import-the-composition-root',
      severity: 'error',
      comment: 'Only main.ts, http/ (which receives AppServices) and ops/ may reach app/, which wires everything.',
      from: { path: '^src/', pathNot: ['^src/(app|http)/', '^src/main\\.ts$'] },
      to: { path: '^src/app/' },
    },
    {
      name: 'only-http-imports-express',
      severity: 'error',
      comment: 'express stays at the edge.',
      from: { path: '^src/', pathNot: '^src/http/' },
      to: { path: 'node_modules/express/' },
    },
    {
      name: 'services-never-import-http',
      severity: 'error',
      comment: 'Features are called by http/, never the other way round.',
      from: { path: '^src/', pathNot: ['^src/(http|app)/', '^src/main\\.ts$'] },
      to: { path: '^src/http/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
