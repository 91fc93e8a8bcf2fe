-- As transport V2: which node holds a claim, so a restarted node takes back its own at once.
ALTER TABLE legacy.outbound ADD COLUMN claimed_by text;
