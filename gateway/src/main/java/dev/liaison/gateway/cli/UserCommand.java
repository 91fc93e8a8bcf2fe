package dev.liaison.gateway.cli;

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

/** {@code liaison user add|list|passwd|disable|enable}. */
@Command(name = "user", description = "Manage users.", mixinStandardHelpOptions = true,
        subcommands = {UserCommand.Add.class, UserCommand.ListUsers.class, UserCommand.Passwd.class,
                UserCommand.Disable.class, UserCommand.Enable.class, UserCommand.LegacyFromCommand.class})
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
                    System.out.printf("%-24s %-10s %s%n", "LOGIN", "STATE", "DISPLAY NAME");
                    users.forEach(u -> System.out.printf("%-24s %-10s %s%n", u.login(), u.state().dbValue(),
                            u.displayName()));
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
                    + " published aliases and block or end their relationships."})
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
