-- The embedded ledger's cost (issue 15, point 2): every index of traffic_record is paid on each of the
-- millions of rows a day. These two serve no query: reports read the rollups (never traffic_record by consumer),
-- exchanges are found by their primary key, tracking digest or receipt digest (indexes kept), and ledger:verify
-- and the restore's chain heads read every chained record (a full scan either way, in no index's order).
DROP INDEX IF EXISTS traffic_record_consumer_idx;
DROP INDEX IF EXISTS traffic_record_chain_idx;
