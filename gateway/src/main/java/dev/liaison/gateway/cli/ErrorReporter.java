package dev.liaison.gateway.cli;

import dev.liaison.gateway.config.ConfigurationException;
import dev.liaison.gateway.keys.KeyFileException;
import dev.liaison.mapping.alias.AliasException;
import dev.liaison.mapping.database.DatabaseUnavailableException;
import dev.liaison.mapping.database.PostgresSecretException;
import dev.liaison.mapping.user.UserException;
import picocli.CommandLine;

import java.io.UncheckedIOException;

/**
 * Turns a failed command into one clear line on stderr and an exit code; the stack trace only
 * with {@code --verbose}. Exit codes: 1 refused (duplicate, unknown, invalid), 2 usage or
 * configuration, 3 database unavailable, 4 anything unexpected.
 */
public final class ErrorReporter implements CommandLine.IExecutionExceptionHandler {

    public static final int REFUSED = 1;
    public static final int CONFIGURATION = 2;
    public static final int DATABASE = 3;
    public static final int UNEXPECTED = 4;

    private final boolean verbose;

    public ErrorReporter(boolean verbose) {
        this.verbose = verbose;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parseResult) {
        int code = exitCode(e);
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        cli.getErr().println("liaison: " + message
                + (code == UNEXPECTED && !verbose ? " (run again with --verbose for details)" : ""));
        if (verbose) {
            e.printStackTrace(cli.getErr());
        }
        cli.getErr().flush();
        return code;
    }

    static int exitCode(Exception e) {
        if (e instanceof UserException || e instanceof AliasException || e instanceof InvalidInputException
                || e instanceof dev.liaison.mapping.relationship.RelationshipException
                || e instanceof dev.liaison.gateway.invitation.InvitationException
                || e instanceof dev.liaison.gateway.backup.RestoreRefusedException) {
            return REFUSED;
        }
        if (e instanceof ConfigurationException || e instanceof UncheckedIOException
                || e instanceof PostgresSecretException || e instanceof KeyFileException) { // the data directory's files, as the administrator left them
            return CONFIGURATION;
        }
        if (e instanceof DatabaseUnavailableException) {
            return DATABASE;
        } // a refused statement (DatabaseRefusedException) is a defect: unexpected, with --verbose for the report
        return UNEXPECTED;
    }
}
