package dev.liaison.mapping.alias;

/** No alias has this address. */
public final class UnknownAliasException extends AliasException {

    public UnknownAliasException(AliasAddress address) {
        super("no alias " + address + " (see: liaison alias list)");
    }
}
