-- A correspondent's Message-ID is remembered for a year after it came (the gateway's
-- LegacyCorrespondents.RECEIVED_ID_RETENTION), then forgotten in batches
-- (LegacyCorrespondentStore.forgetReceivedIds): a reply to mail that old still goes, only its
-- In-Reply-To names that message by its neutral id. Before, the rows were kept as long as the
-- relationship and grew with every message received. This index finds the old ones without
-- reading the table.
CREATE INDEX legacy_received_ids_received_at ON legacy_received_ids (received_at);
