-- Which node holds a claim: a node restarted after a crash takes back its own claims at once
-- instead of waiting out their lease (another node's claims still wait: that node may be alive).
ALTER TABLE transport.outbound ADD COLUMN claimed_by text;
