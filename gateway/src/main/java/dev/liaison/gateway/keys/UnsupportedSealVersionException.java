package dev.liaison.gateway.keys;

/** Sealed in a format this version of Liaison does not know (written by a newer one, or damaged). */
public final class UnsupportedSealVersionException extends SealException {
    private static final long serialVersionUID = 1L;

    public UnsupportedSealVersionException(int version, int supported) {
        super("sealed data has format version " + version + ", this Liaison reads version " + supported
                + "; run the Liaison version that wrote it, or restore the row from backup");
    }
}
