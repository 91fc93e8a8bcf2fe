package dev.liaison.gateway.legacy.delivery;

/** A fresh DKIM key for tests outside this package (DkimKey.generate is the package's own). */
public final class GeneratedDkimKey {
    private GeneratedDkimKey() {
    }

    public static DkimKey key(String selector) {
        return DkimKey.generate(selector);
    }
}
