package dev.liaison.gateway.cli;

/** Input given to a command (stdin, an argument) that it cannot use. */
public final class InvalidInputException extends RuntimeException {

    public InvalidInputException(String message) {
        super(message);
    }
}
