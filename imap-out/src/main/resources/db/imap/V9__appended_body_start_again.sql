-- APPEND stored body_start 0 for a message whose lines end in a bare LF, or whose header has no
-- empty line after it (James looked for CRLF CRLF only): such a message had an empty header
-- (ENVELOPE NIL, no HEADER.FIELDS) and the whole message as its body. Those rows get the body start
-- MessageShape.bodyStart finds (after the first empty line, however its lines end; the whole
-- message when there is none; 1 or 2 when the message starts with an empty line) and, for a text
-- body, its line count again (MessageShape.lines: line feeds, plus an unended last line), which
-- James had counted over the whole message. The content is not touched.
-- A row whose real body start is 0 is an empty message; it keeps 0.
WITH shape AS (
    SELECT mailbox_id, uid, content,
           CASE WHEN substring(content FROM 1 FOR 1) = '\x0a'::bytea THEN 1
                WHEN substring(content FROM 1 FOR 2) = '\x0d0a'::bytea THEN 2
                ELSE coalesce(least(nullif(position('\x0a0a'::bytea IN content), 0) + 1,
                                    nullif(position('\x0a0d0a'::bytea IN content), 0) + 2),
                              length(content))
           END AS body_start,
           -- the name of the triple (urn:liaison:imap, textual-line-count, n); properties are flat
           -- (namespace, name, value) triples, and a value may read 'textual-line-count' too
           (SELECT i FROM generate_subscripts(properties, 1) AS i
            WHERE i % 3 = 2 AND properties[i - 1] = 'urn:liaison:imap' AND properties[i] = 'textual-line-count'
            LIMIT 1) AS lines_at
    FROM imap.message
    WHERE body_start = 0 AND length(content) > 0
), counted AS (
    SELECT mailbox_id, uid, body_start, lines_at, body,
           -- 'escape' keeps a line feed as itself (it escapes only NUL, high-bit octets and backslashes)
           length(encode(body, 'escape')) - length(replace(encode(body, 'escape'), E'\n', ''))
               + CASE WHEN length(body) > 0 AND substring(body FROM length(body)) <> '\x0a'::bytea THEN 1 ELSE 0 END
               AS lines
    FROM (SELECT mailbox_id, uid, body_start, lines_at, substring(content FROM body_start + 1) AS body FROM shape) b
)
UPDATE imap.message m
SET body_start = counted.body_start,
    properties = CASE WHEN counted.lines_at IS NULL THEN m.properties
                      ELSE m.properties[1:counted.lines_at] || ARRAY[counted.lines::text]
                           || m.properties[counted.lines_at + 2:] END
FROM counted
WHERE m.mailbox_id = counted.mailbox_id AND m.uid = counted.uid;
