-- Over- and under-delivery tolerances of a company, in percent of a line's ordered quantity
-- (stored × 10⁶ like every rate): a packing slip may ship up to the deliver remainder plus the
-- over tolerance; a remainder left within the under tolerance after a shipment closes the line
-- (it is canceled). The packing slip line records what it closed, so that its reversal opens it
-- again.
ALTER TABLE companies ADD COLUMN over_delivery_percent BIGINT NOT NULL DEFAULT 0;
ALTER TABLE companies ADD COLUMN under_delivery_percent BIGINT NOT NULL DEFAULT 0;
ALTER TABLE packing_slip_lines ADD COLUMN closed BIGINT NOT NULL DEFAULT 0;
