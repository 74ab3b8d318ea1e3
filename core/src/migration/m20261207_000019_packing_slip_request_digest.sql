-- What a packing slip posted with an idempotency key was asked to do (SHA-256 of the order,
-- the warehouse and the lines asked for): a retry with the same key must ask the same, or it
-- is refused instead of answered with a packing slip it did not ask for.
ALTER TABLE packing_slips ADD COLUMN request_digest VARCHAR(64);
