package dev.liaison.mapping.alias;

/** The address is taken (possibly by a removed alias: addresses are never handed out twice). */
public final class DuplicateAliasException extends AliasException {

    public DuplicateAliasException(AliasAddress address) {
        super("alias " + address + " already exists");
    }
}
