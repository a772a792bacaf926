-- A scan updates its order's tracking columns; none of them is indexed any more, so with room left
-- on each page (fillfactor 70) PostgreSQL can make the update HOT: no new entry in each of the
-- order's indexes. The station filter of the order list goes through the status index instead.
DROP INDEX "orders_org_station_idx";--> statement-breakpoint
ALTER TABLE "orders" SET (fillfactor = 70);
