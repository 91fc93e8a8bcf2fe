package dev.liaison.mapping.alias;

/** A removed alias stays removed; its address is retired for good. */
public final class RemovedAliasException extends AliasException {

    public RemovedAliasException(AliasAddress address) {
        super("alias " + address + " was removed and cannot be changed; create a new alias instead");
    }
}
