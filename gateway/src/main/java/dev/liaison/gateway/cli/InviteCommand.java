package dev.liaison.gateway.cli;

import dev.liaison.gateway.config.ConfigurationException;

import dev.liaison.gateway.Limits;
import dev.liaison.gateway.config.Configuration;
import dev.liaison.gateway.relationship.Invitations;
import dev.liaison.gateway.relationship.RelationshipAliases;
import dev.liaison.mapping.user.InvalidDisplayNameException;
import dev.liaison.mapping.user.Login;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code liaison invite create|accept}: start a relationship by direct exchange. */
@Command(name = "invite", description = "Start relationships: create an invitation, or accept one.",
        mixinStandardHelpOptions = true, subcommands = {InviteCommand.Create.class, InviteCommand.Accept.class})
public final class InviteCommand {

    @Command(name = "create", description = "Create an invitation of a user; prints the token and the"
            + " communicator: link and writes the QR code as PNG.")
    static final class Create implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Option(names = "--user", required = true, paramLabel = "LOGIN") String user;
        @Option(names = "--name", paramLabel = "NAME", description = "the name the other person sees (default: the user's display name)")
        String name;
        @Option(names = "--qr", paramLabel = "FILE", description = "where to write the QR code (default: ./invitation-<login>.png)")
        Path qr;
        @Option(names = "--expires", paramLabel = "DURATION", defaultValue = "7d",
                description = "how long it can be accepted (at most 30d; default ${DEFAULT-VALUE})")
        String expires;
        @Option(names = "--json", description = "print a JSON object") boolean json;

        @Override
        public Integer call() throws Exception {
            Login owner = Login.of(user);
            Duration lifetime = lifetime(expires);
            Configuration configuration = common.configuration();
            String given = name != null ? checkedName(name) : null; // before any database is started
            try (AdminSession session = new AdminSession(configuration)) {
                String shown = given != null ? given : displayName(session, owner);
                var relay = session.relay(); // migrates first: never inside a transaction
                Path file = qr != null ? qr : Path.of("invitation-" + owner.value() + ".png");
                // written before the commit: an invitation whose QR code could not be written is not kept
                Invitations.Issued issued = session.database().inTransaction(c -> {
                    Invitations.Issued created = relay.invitations().create(c, owner, shown, lifetime);
                    writeQr(file, created.qrPng());
                    return created;
                });
                if (json) {
                    var fields = new java.util.LinkedHashMap<String, Object>();
                    fields.put("token", issued.token());
                    fields.put("uri", issued.uri());
                    fields.put("qr", file.toAbsolutePath().toString());
                    fields.put("expires", issued.expires().toString());
                    System.out.println(JsonOutput.json(fields));
                } else {
                    System.out.println("token:   " + issued.token());
                    System.out.println("link:    " + issued.uri());
                    System.out.println("qr code: " + file.toAbsolutePath());
                    System.out.println("expires: " + issued.expires());
                }
            }
            return 0;
        }
    }

    private static void writeQr(Path file, byte[] png) {
        try {
            Files.write(file, png);
        } catch (java.io.IOException e) {
            throw new InvalidInputException("cannot write the QR code (--qr): " + ConfigurationException.why(e)
                    + "; no invitation was created");
        }
    }

    @Command(name = "accept", description = "Accept an invitation for a user; prints the alias to write to the inviter.")
    static final class Accept implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Option(names = "--user", required = true, paramLabel = "LOGIN") String user;
        @Option(names = "--name", paramLabel = "NAME", description = "the name the inviter sees (default: the user's display name)")
        String name;
        @Parameters(paramLabel = "TOKEN", description = "the token or the communicator:invitation/… link") String token;

        @Override
        public Integer call() throws Exception {
            Login owner = Login.of(user);
            String given = name != null ? checkedName(name) : null; // before any database is started
            try (AdminSession session = new AdminSession(common.configuration())) {
                String shown = given != null ? given : displayName(session, owner);
                var relay = session.relay(); // migrates first: never inside a transaction
                Invitations.Accepted accepted = session.database().inTransaction(c ->
                        relay.invitations().accept(c, owner, shown, token));
                System.out.println(accepted.alias().address());
            }
            return 0;
        }
    }

    /**
     * {@code --name} as {@code user add --display-name} takes one: refused, not quietly cleaned,
     * when it has control characters (a line break would end the header field it is shown in), and
     * refused, not quietly cut, when it is longer than a relationship carries: the other side's
     * gateway keeps {@link RelationshipAliases#MAX_NAME_CHARS} characters of it, an invitation
     * {@link Limits#MAX_DISPLAY_NAME_BYTES} bytes.
     */
    private static String checkedName(String name) {
        int characters = name.codePointCount(0, name.length());
        if (characters > RelationshipAliases.MAX_NAME_CHARS) { // before the display name's own bound, 200
            throw new InvalidInputException("--name: the name shown in a relationship has at most "
                    + RelationshipAliases.MAX_NAME_CHARS + " characters; this one has " + characters
                    + "; nothing was created");
        }
        try {
            InvalidDisplayNameException.check(name);
        } catch (InvalidDisplayNameException e) {
            throw new InvalidInputException("--name: " + e.getMessage() + "; nothing was created");
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > Limits.MAX_DISPLAY_NAME_BYTES) {
            throw new InvalidInputException("--name: the name shown in a relationship has at most "
                    + Limits.MAX_DISPLAY_NAME_BYTES + " bytes of UTF-8; this one has " + bytes + "; nothing was created");
        }
        return name;
    }

    /**
     * The name a user shows by default: their display name, or none ({@link
     * dev.liaison.mapping.user.User#shownName}: never the login, which would tell the other person
     * the user's account); the other side then shows its alias for them.
     */
    static String displayName(AdminSession session, Login owner) throws Exception {
        return session.administration().users().stream().filter(u -> u.login().equals(owner)).findFirst()
                .map(u -> u.shownName().orElse(""))
                .orElseThrow(() -> new dev.liaison.mapping.user.UnknownUserException(owner));
    }

    static Duration lifetime(String text) {
        try {
            Duration d = dev.liaison.gateway.config.Configuration.durationOf(text);
            if (d.compareTo(Duration.ofDays(30)) <= 0) {
                return d;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new InvalidInputException("--expires '" + text + "' is not a duration up to 30d (e.g. 7d, 12h)");
    }
}
