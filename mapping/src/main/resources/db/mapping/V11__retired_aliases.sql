-- Addresses of removed users (liaison user remove). A removed user's aliases, relationships and
-- rows go, but their addresses must never be handed to someone else: correspondents who knew an
-- address would write to the new holder, and mail meant for the removed user would reach them
-- (an alias service never gives an old address to a new person). The address alone is kept, as
-- V1 keeps a removed alias's row; no owner, no date that names whose it was.
CREATE TABLE retired_aliases (
    address text PRIMARY KEY CONSTRAINT retired_aliases_address_lower CHECK (address = lower(address))
);

-- Enforced where aliases are made, whoever makes them: a retired address is refused as a taken one
-- (unique_violation, so the alias generator draws another).
CREATE FUNCTION refuse_retired_alias() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM mapping.retired_aliases WHERE address = NEW.address) THEN
        RAISE EXCEPTION 'alias % was retired with its removed user', NEW.address
            USING ERRCODE = 'unique_violation', CONSTRAINT = 'aliases_address_retired';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER aliases_not_retired BEFORE INSERT OR UPDATE OF address ON aliases
    FOR EACH ROW EXECUTE FUNCTION refuse_retired_alias();
