// A stand-in app process for cluster tests that asks its peers (src/infra/cluster-peers.ts,
// compiled here with swc): GET /gather answers every worker's reply to a 'writers' query.
const http = require('node:http');
const Module = require('node:module');
const path = require('node:path');
const { transformFileSync } = require('@swc/core');

function loadTs(file) {
  const { code } = transformFileSync(file, { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } });
  const m = new Module(file, module);
  m.filename = file;
  m.paths = Module._nodeModulePaths(path.dirname(file));
  m._compile(code, file);
  return m.exports;
}

const { clusterPeers } = loadTs(path.resolve(__dirname, '../../../src/infra/cluster-peers.ts'));
const peers = clusterPeers(async (query) => ({ pid: process.pid, query }));
const server = http.createServer(async (_req, res) => {
  const values = await peers.gather('writers');
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ pid: process.pid, values }));
});
server.listen(Number(process.env.CLUSTER_TEST_PORT), '127.0.0.1');
process.on('SIGTERM', () => {
  peers.close();
  server.close(() => process.exit(0));
});
