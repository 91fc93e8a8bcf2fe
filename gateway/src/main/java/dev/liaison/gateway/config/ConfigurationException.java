package dev.liaison.gateway.config;

/** The configuration cannot be used; the message names the key, where it came from, and the problem. */
public final class ConfigurationException extends RuntimeException {

    public ConfigurationException(String message) {
        super(message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
