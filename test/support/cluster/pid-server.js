// A stand-in app process for cluster tests: answers its pid on the shared port, exits on SIGTERM.
const http = require('node:http');
const server = http.createServer((_req, res) => res.end(String(process.pid)));
server.listen(Number(process.env.CLUSTER_TEST_PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
