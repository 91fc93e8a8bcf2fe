package dev.liaison.gateway.cli;

import dev.liaison.gateway.admin.UserRemoval;
import dev.liaison.gateway.legacy.delivery.LegacySchema;
import dev.liaison.mapping.correspondent.LegacyCorrespondentStore;
import dev.liaison.mapping.correspondent.LegacyFrom;
import dev.liaison.mapping.user.Login;
import dev.liaison.mapping.user.User;
import dev.liaison.mapping.user.UserState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code liaison user add|list|passwd|disable|enable|remove}. */
@Command(name = "user", description = "Manage users.", mixinStandardHelpOptions = true,
        subcommands = {UserCommand.Add.class, UserCommand.ListUsers.class, UserCommand.Passwd.class,
                UserCommand.Disable.class, UserCommand.Enable.class, UserCommand.Remove.class,
                UserCommand.LegacyFromCommand.class})
public final class UserCommand {

    @Command(name = "add", description = "Add a user; prints a generated password unless --password-stdin.")
    static final class Add implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Parameters(paramLabel = "LOGIN", description = "the local part of the user's address: 1-64 of a-z, 0-9,"
                + " '.', '-', '_', beginning and ending with a letter or digit, no '..'") String login;
        @Option(names = "--display-name", paramLabel = "NAME") String displayName;
        @Option(names = "--password-stdin", description = "read the password from the first line of stdin")
        boolean passwordStdin;

        @Override
        public Integer call() throws Exception {
            Login checked = Login.ofNew(login); // before reading a password or starting a database
            char[] password = passwordStdin ? Passwords.readFirstLine(System.in) : Passwords.generate();
            try (AdminSession session = new AdminSession(common.configuration())) {
                User user = session.administration().addUser(checked,
                        displayName == null ? checked.value() : displayName, password);
                System.out.println("added user " + user.login());
                if (!passwordStdin) {
                    System.out.println("password: " + new String(password));
                }
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List users.")
    static final class ListUsers implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Option(names = "--json", description = "print a JSON array") boolean json;

        @Override
        public Integer call() throws Exception {
            try (AdminSession session = new AdminSession(common.configuration())) {
                List<User> users = session.administration().users();
                if (json) {
                    System.out.println(JsonOutput.array(users.stream().map(UserCommand::fields).toList()));
                } else {
                    TextTable table = new TextTable("LOGIN", "STATE", "DISPLAY NAME");
                    users.forEach(u -> table.row(u.login(), u.state().dbValue(), u.displayName()));
                    table.print(System.out);
                }
            }
            return 0;
        }
    }

    @Command(name = "passwd", description = "Set a user's password; prints a generated one unless --password-stdin.")
    static final class Passwd implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Parameters(paramLabel = "LOGIN") String login;
        @Option(names = "--password-stdin") boolean passwordStdin;

        @Override
        public Integer call() throws Exception {
            Login checked = Login.of(login);
            char[] password = passwordStdin ? Passwords.readFirstLine(System.in) : Passwords.generate();
            try (AdminSession session = new AdminSession(common.configuration())) {
                session.administration().changePassword(checked, password);
                System.out.println("password of " + checked + " changed");
                if (!passwordStdin) {
                    System.out.println("password: " + new String(password));
                }
            }
            return 0;
        }
    }

    @Command(name = "disable", description = {"Stop a user from logging in and sending.",
            "Mail to them is still accepted and filed (plain email at the MX and relationship mail alike),"
                    + " so nothing is lost: enable gives them all of it. To refuse mail instead, disable their"
                    + " published aliases and block or end their relationships; to delete the user for good, remove."})
    static final class Disable implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Parameters(paramLabel = "LOGIN") String login;

        @Override
        public Integer call() throws Exception {
            return changeState(common, login, UserState.DISABLED);
        }
    }

    @Command(name = "enable", description = "Let a disabled user log in and send again; mail filed meanwhile is in their folders.")
    static final class Enable implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Parameters(paramLabel = "LOGIN") String login;

        @Override
        public Integer call() throws Exception {
            return changeState(common, login, UserState.ACTIVE);
        }
    }

    @Command(name = "remove", description = {"Delete a disabled user for good: their folders and mail, aliases,"
            + " relationships (each peer is told it ended, as by relationship end) and plain-email correspondents;"
            + " mail they sent that has not left yet is dropped. Mail to their addresses is refused from then on as"
            + " to an unknown one, and the addresses are never given to anyone again. Cannot be undone.",
            "Without --yes, says what would go and removes nothing."})
    static final class Remove implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Parameters(paramLabel = "LOGIN") String login;
        @Option(names = "--yes", description = "remove for good") boolean yes;

        @Override
        public Integer call() throws Exception {
            Login checked = Login.of(login);
            try (AdminSession session = new AdminSession(common.configuration())) {
                // every schema it deletes from is migrated first: never inside a transaction
                UserRemoval removal = new UserRemoval(session.relay().control());
                session.database().migrate(LegacySchema.SCHEMA);
                if (!yes) {
                    throw new InvalidInputException("removing " + checked + " deletes for good " + preview(session, removal, checked)
                            + "; nothing was removed. To remove " + checked + ", run: liaison user remove " + checked + " --yes");
                }
                UserRemoval.Removed removed = session.database().inTransaction(c -> removal.remove(c, checked));
                System.out.println("removed user " + checked + ": " + summary(removed));
            }
            return 0;
        }

        /** The removal done and rolled back: what it would delete, counted by the same statements. */
        private static String preview(AdminSession session, UserRemoval removal, Login login) throws Exception {
            try {
                session.database().inTransaction(c -> {
                    throw new Preview(removal.remove(c, login));
                });
            } catch (Preview p) {
                return summary(p.removed);
            }
            throw new AssertionError("the preview always rolls back");
        }

        private static String summary(UserRemoval.Removed r) {
            String untold = r.relationships().untold() == 0 ? ""
                    : ", " + r.relationships().untold() + " could not be: every address they gave had expired";
            return r.messages() + " messages, " + r.aliasesRetired() + " aliases (retired: never given to anyone"
                    + " again), " + r.relationships().relationships() + " relationships still open ("
                    + r.relationships().told() + " peers told of the end" + untold + "), " + r.queuedDropped()
                    + " queued messages they sent that had not left";
        }

        /** Carries the preview's count out of the transaction it rolls back. */
        private static final class Preview extends RuntimeException {
            final transient UserRemoval.Removed removed;

            Preview(UserRemoval.Removed removed) {
                super(null, null, false, false);
                this.removed = removed;
            }
        }
    }

    @Command(name = "legacy-from", description = "Choose the address a user's plain email leaves from, for"
            + " correspondents written to from now on: outward (a fresh alias per correspondent, so they cannot link"
            + " the user's conversations), published (the user's published address), or default (legacy.from).")
    static final class LegacyFromCommand implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Parameters(index = "0", paramLabel = "LOGIN") String login;
        @Parameters(index = "1", paramLabel = "outward|published|default") String choice;

        @Override
        public Integer call() throws Exception {
            Login checked = Login.of(login);
            java.util.Optional<LegacyFrom> from;
            try {
                from = "default".equalsIgnoreCase(choice.strip()) ? java.util.Optional.empty()
                        : java.util.Optional.of(LegacyFrom.parse(choice));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(e.getMessage() + ", nor 'default' (the gateway's legacy.from)");
            }
            try (AdminSession session = new AdminSession(common.configuration())) {
                session.database().inTransaction(c -> {
                    new LegacyCorrespondentStore().setFrom(c, checked, from);
                    return null;
                });
            }
            System.out.println("plain email of " + checked + " leaves from "
                    + from.map(f -> f.dbValue() + " addresses").orElse("the gateway's default (legacy.from)"));
            return 0;
        }
    }

    private static int changeState(CommonOptions common, String login, UserState state) throws Exception {
        Login checked = Login.of(login);
        try (AdminSession session = new AdminSession(common.configuration())) {
            User user = session.administration().changeUserState(checked, state);
            System.out.println("user " + user.login() + " is " + user.state().dbValue());
        }
        return 0;
    }

    private static Map<String, Object> fields(User u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("login", u.login().value());
        m.put("displayName", u.displayName());
        m.put("state", u.state().dbValue());
        m.put("createdAt", u.createdAt().toString());
        return m;
    }
}
