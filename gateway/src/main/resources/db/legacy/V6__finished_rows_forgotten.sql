-- As transport V5: finished rows are deleted after Limits.DEDUPLICATION_RETENTION (their delivery
-- id recognises a client's retry until then), and the SMTP envelope of each goes with its row.
CREATE INDEX outbound_finished ON outbound (finished_at) WHERE state <> 'pending';
ALTER TABLE outbound_mail DROP CONSTRAINT outbound_mail_envelope_id_fkey;
ALTER TABLE outbound_mail ADD CONSTRAINT outbound_mail_envelope_id_fkey
    FOREIGN KEY (envelope_id) REFERENCES outbound (envelope_id) ON DELETE CASCADE;
