-- A mailing list's post comes with From: its author and List-Post: <mailto:the list> (RFC 2369).
-- Its Message-ID is remembered under the author's relationship, as any other's; a reply to the
-- list ("Reply List" in a mail client) goes to the list's own relationship, which before got back
-- only ids it received itself, so the list's members saw the reply out of its thread. The list
-- delivered that message itself and knows its id: the posting address is kept with the id, and a
-- reply to that plain address (a relationship of the same user's with it) gets the id back too.
-- NULL for mail without List-Post. Kept and forgotten with the row (V7); gone with the author's
-- relationship, as before.
ALTER TABLE legacy_received_ids ADD COLUMN list_post text
    CONSTRAINT legacy_received_ids_list_post CHECK (list_post = lower(list_post) AND length(list_post) BETWEEN 3 AND 254);
-- A reply to the list looks its ids up by the list's address and the neutral ids it names; only
-- list posts have one, so the index holds those alone.
CREATE INDEX legacy_received_ids_list_post ON legacy_received_ids (list_post, neutral) WHERE list_post IS NOT NULL;
