import type { Request, RequestHandler } from 'express';
import type { FairTurns } from '../../admission/fair-turns';

/**
 * A booking request waits for its event's turn (admission/fair-turns) before its body is
 * parsed and anything costly runs, so a hot on-sale's requests cannot hold up another
 * event's buyers for the whole of one busy event-loop turn.
 */
export function fairTurn(turns: FairTurns, keyOf: (req: Request) => string): RequestHandler {
  return (req, _res, next) => {
    const turn = turns.take(keyOf(req));
    if (turn) void turn.then(() => next());
    else next();
  };
}
