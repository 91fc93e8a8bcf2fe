-- Raw 8-bit header text (RFC 6532) and 8-bit text parts without a charset were extracted for SEARCH
-- as Latin-1 and US-ASCII: "Grüße" was stored as "grã¼ãÿe" and matched only its mojibake, "ünicode"
-- became replacement characters. They are read as UTF-8 now. Texts that show either (a Latin-1 lead
-- octet of a UTF-8 sequence followed by a continuation octet, or U+FFFD) are forgotten, so the next
-- search extracts them again (SearchIndexing; NULL means "not extracted yet", migration imap V3).
-- A text that only looks so is extracted again to the same; nothing is lost either way.
-- Only on a UTF-8 database (the escapes below name characters other encodings may not have; a
-- database in another encoding never stored such text as UTF-8 anyway).
DO $$
BEGIN
    IF current_setting('server_encoding') = 'UTF8' THEN
        EXECUTE $update$UPDATE imap.message SET search_text = NULL, sent_on = NULL
                 WHERE search_text ~ E'[\u00c0-\u00fe][\u0080-\u00bf]' OR strpos(search_text, E'\ufffd') > 0$update$;
    END IF;
END
$$;
