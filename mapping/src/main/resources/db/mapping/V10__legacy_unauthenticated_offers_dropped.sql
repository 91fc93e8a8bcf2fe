-- Until this release, an invitation in a plain email was kept for when the user answers a request
-- without checking that the mail's author was authenticated (SPF, DKIM, DMARC), so a kept one may
-- be a forger's: taking it up would send the user's mail to the forger's gateway. Every kept offer
-- is dropped. Nothing is lost that matters: a correspondent's gateway offers its invitation in
-- every plain email until the upgrade, and the user's own answer carries the user's invitation.
UPDATE legacy_correspondents SET offered_invitation = NULL WHERE offered_invitation IS NOT NULL;
