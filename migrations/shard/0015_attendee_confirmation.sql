-- A free single-event booking's confirmation email waits on the booking's own attendee row
-- instead of in a row of its own in email_outbox. The booking transaction is the hottest write
-- of a shard's single writer: an email_outbox row there cost three B-tree writes (the table
-- and its indexes email_outbox_due and email_outbox_event), about 15-25 µs per booking on the
-- writer thread; one more column on the attendee row it inserts anyway costs one (the entry in
-- the partial index below, the row itself being written either way).
--
-- confirm_to holds exactly what that email_outbox body held: the recipient's address and name,
-- {v:2,to,name}, sealed with ROOT_KEY under emailBodyContext(booking_id). It is never
-- plaintext. The email worker promotes pending confirmations of live events into ordinary
-- email_outbox rows (and sets confirm_to back to NULL in the same transaction), off the booking
-- path and only while sales are quiet; from there the outbox's lease, retry and erase-on-send
-- apply as to every other email. Deleting the attendee row takes a pending confirmation with it.
ALTER TABLE attendees ADD COLUMN confirm_to TEXT;

-- Only the pending ones, in id order: the worker's "anything to promote?" and its promotion read
-- this small index, never the attendees table; a promoted or never-pending row is not in it.
CREATE INDEX attendees_confirm_pending ON attendees(id) WHERE confirm_to IS NOT NULL;
