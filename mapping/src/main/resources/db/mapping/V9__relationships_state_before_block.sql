-- What a blocked relationship was before the block, so that an unblock undoes it: a stranger's
-- request goes back to being a request (not to active), an invitation still out goes back to
-- pending. Set when the state becomes 'blocked', cleared on any other change. Rows blocked before
-- this column existed have none; an unblock makes them active, as it did then.
ALTER TABLE relationships ADD COLUMN state_before_block text
    CONSTRAINT relationships_state_before_block CHECK (state_before_block IN ('requested', 'pending', 'active'));
