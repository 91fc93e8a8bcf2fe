package dev.liaison.gateway.cli;

import dev.liaison.gateway.admin.Administration;
import dev.liaison.mapping.alias.Alias;
import dev.liaison.mapping.alias.AliasAddress;
import dev.liaison.mapping.alias.AliasState;
import dev.liaison.mapping.user.Login;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code liaison alias create|list|disable|enable|remove}. */
@Command(name = "alias", description = "Manage aliases.", mixinStandardHelpOptions = true,
        subcommands = {AliasCommand.Create.class, AliasCommand.ListAliases.class, AliasCommand.Disable.class,
                AliasCommand.Enable.class, AliasCommand.Remove.class})
public final class AliasCommand {

    @Command(name = "create", description = "Create an alias delivering to the user's own mailbox; prints its address.")
    static final class Create implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Option(names = "--user", required = true, paramLabel = "LOGIN") String user;
        @Option(names = "--prefix", paramLabel = "P", description = "readable start of the address (default: from the login)")
        String prefix;
        @Option(names = "--published", description = "strangers on plain email may write to it too (legacy MX);"
                + " a new sender's first message lands in Requests") boolean published;

        @Override
        public Integer call() throws Exception {
            Login owner = Login.of(user);
            try (AdminSession session = new AdminSession(common.configuration())) {
                Alias alias = session.administration().createAlias(owner, prefix, published);
                System.out.println(alias.address());
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List aliases.")
    static final class ListAliases implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Option(names = "--user", paramLabel = "LOGIN", description = "only this user's aliases") String user;
        @Option(names = "--json", description = "print a JSON array") boolean json;

        @Override
        public Integer call() throws Exception {
            try (AdminSession session = new AdminSession(common.configuration())) {
                List<Administration.ListedAlias> aliases = session.administration()
                        .listAliases(user == null ? null : Login.of(user));
                if (json) {
                    System.out.println(JsonOutput.array(aliases.stream().map(AliasCommand::fields).toList()));
                } else {
                    TextTable table = new TextTable("ADDRESS", "USER", "TARGET", "STATE");
                    aliases.forEach(l -> table.row(l.alias().address(), l.alias().owner(), l.alias().target().dbValue(),
                            l.state()));
                    table.print(System.out);
                }
            }
            return 0;
        }
    }

    @Command(name = "disable", description = {"Refuse mail to an alias until enabled again.",
            "A relationship's alias: use liaison relationship block instead."})
    static final class Disable implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Parameters(paramLabel = "ADDRESS") String address;

        @Override
        public Integer call() throws Exception {
            return changeState(common, address, AliasState.DISABLED);
        }
    }

    @Command(name = "enable", description = "Accept mail to a disabled alias again.")
    static final class Enable implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Parameters(paramLabel = "ADDRESS") String address;

        @Override
        public Integer call() throws Exception {
            return changeState(common, address, AliasState.ACTIVE);
        }
    }

    @Command(name = "remove", description = {"Retire an alias for good (its address is never reused).",
            "A relationship's alias: use liaison relationship end instead."})
    static final class Remove implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Parameters(paramLabel = "ADDRESS") String address;

        @Override
        public Integer call() throws Exception {
            return changeState(common, address, AliasState.REMOVED);
        }
    }

    private static int changeState(CommonOptions common, String address, AliasState state) throws Exception {
        AliasAddress parsed = AliasAddress.parse(address);
        try (AdminSession session = new AdminSession(common.configuration())) {
            Alias alias = session.administration().changeAliasState(parsed, state);
            System.out.println("alias " + alias.address() + " is " + alias.state().dbValue());
        }
        return 0;
    }

    private static Map<String, Object> fields(Administration.ListedAlias listed) {
        Alias a = listed.alias();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("address", a.address().value());
        m.put("user", a.owner().value());
        m.put("target", a.target().dbValue());
        m.put("state", listed.state());
        m.put("createdAt", a.createdAt().toString());
        return m;
    }
}
