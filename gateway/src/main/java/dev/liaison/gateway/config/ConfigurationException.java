package dev.liaison.gateway.config;

/** The configuration cannot be used; the message names the key, where it came from, and the problem. */
public final class ConfigurationException extends RuntimeException {

    public ConfigurationException(String message) {
        super(message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A file the configuration names cannot be read: says why in words, not only the path Java's exception holds. */
    public static ConfigurationException unreadable(String what, java.io.IOException e) {
        return new ConfigurationException("cannot read " + what + ": " + why(e), e);
    }

    /** What went wrong with a file, in words: "does not exist", "permission denied", or the system's reason. */
    public static String why(java.io.IOException e) {
        return dev.liaison.mapping.database.FileProblems.why(e);
    }
}
