// Correctness only: the benchmark must compare two schemes that really encrypt the same
// data. Timings belong to `ops/bench/crypto/crypto-bench.ts`, never to a unit test.
import {
  createBenchContext,
  envelopeEncryptBooking,
  sampleAttendees,
} from '../../../ops/bench/crypto/crypto-bench';
import {
  SEED_HYBRID_FIELDS,
  seedDecryptAttendee,
  seedEncryptAttendee,
  seedEncryptAttendeeSync,
} from '../../../ops/bench/crypto/seed-hybrid';
import { openPii } from '../../../src/crypto/pii-envelope';

describe('crypto bench schemes', () => {
  it('envelope, seed and control all produce decryptable output for the same attendee', async () => {
    const ctx = await createBenchContext();
    const [attendee] = sampleAttendees(1);

    const envelope = envelopeEncryptBooking(ctx.envelope, attendee!);
    const { checked_in, refunded, price_paid, ...pii } = attendee!;
    expect(openPii(ctx.privateKey, envelope.pii)).toEqual(pii);
    expect(envelope.ticketTokenIndex).toBe(ctx.envelope.keyring.blindIndex('ticket-token', attendee!.ticket_token));

    const seed = await seedEncryptAttendee(ctx.seed, attendee!);
    for (const field of SEED_HYBRID_FIELDS) expect(seed[field].startsWith('hyb:1:')).toBe(true);
    expect(await seedDecryptAttendee(ctx.privateKey, ctx.envKey, seed)).toEqual(attendee);

    // The control (seed layout on sync node:crypto) writes the same, decryptable formats.
    const control = seedEncryptAttendeeSync(ctx.seedSync, attendee!);
    expect(await seedDecryptAttendee(ctx.privateKey, ctx.envKey, control)).toEqual(attendee);
    expect(control.ticket_token_index).toBe(seed.ticket_token_index);
    expect(checked_in).toBe('false');
    expect(refunded).toBe('false');
    expect(price_paid).toMatch(/^\d+$/);
  });
});
