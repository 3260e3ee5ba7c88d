/** Local stand-ins of the provisioning APIs (Bunny Database, Turso Platform) backed by the Hrana test server. */
export { type BunnyStandin, startBunnyStandin } from './bunny-standin';
export { startTursoStandin, type TursoStandin } from './turso-standin';
