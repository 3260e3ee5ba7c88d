import type { Response } from 'express';
import { attendeesCsvHeader, attendeesCsvRows, csvFileName } from '../bookings/attendee-csv';
import type { AttendeeView } from '../bookings/attendee-service';
import type { EventRecord } from '../domain/events/event';

/** Writes, and waits when the client reads slower than we decrypt (back-pressure, not buffering). */
function write(res: Response, text: string): Promise<void> {
  if (res.write(text)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = () => {
      res.off('close', closed);
      resolve();
    };
    const closed = () => {
      res.off('drain', done);
      reject(new Error('client went away during the CSV export'));
    };
    res.once('drain', done);
    res.once('close', closed);
  });
}

/**
 * Streams an attendee CSV: the header at once, then each decrypted chunk as it comes, so a
 * 50,000-row export holds one chunk in memory and the first bytes leave straight away.
 * `rows(each)` walks the attendees and resolves to how many it wrote.
 */
export async function streamAttendeesCsv(
  res: Response,
  event: EventRecord,
  timeZone: string,
  date: string | undefined,
  rows: (each: (chunk: AttendeeView[]) => Promise<void>) => Promise<number>,
  logged: (rows: number) => Promise<void>,
): Promise<void> {
  res.attachment(csvFileName(event, date)).type('text/csv');
  await write(res, attendeesCsvHeader(event));
  const count = await rows((chunk) => write(res, attendeesCsvRows(event, chunk, timeZone)));
  // Logged before the last byte goes: whoever has the file can already find it in the log,
  // and a download that could not be logged does not complete.
  await logged(count);
  res.end();
}
