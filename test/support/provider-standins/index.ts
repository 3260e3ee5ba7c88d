/** Local stand-ins of the provisioning APIs (Bunny Database, Turso Platform) backed by the Hrana test server. */
export { type BunnyStandin, type BunnyStep, startBunnyStandin } from './bunny-standin';
export { startTursoStandin, type TursoStandin, type TursoStep } from './turso-standin';
