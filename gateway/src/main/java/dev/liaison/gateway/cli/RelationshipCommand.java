package dev.liaison.gateway.cli;

import dev.liaison.gateway.Relay;
import dev.liaison.gateway.relationship.RelationshipControl;
import dev.liaison.mapping.alias.Alias;
import dev.liaison.mapping.alias.AliasAddress;
import dev.liaison.mapping.alias.AliasTarget;
import dev.liaison.mapping.alias.PostgresAliasStore;
import dev.liaison.mapping.user.Login;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code liaison relationship list|accept|block|unblock|end}. */
@Command(name = "relationship", description = "List, block, unblock or end a user's relationships.",
        mixinStandardHelpOptions = true, subcommands = {RelationshipCommand.ListRelationships.class,
        RelationshipCommand.Accept.class, RelationshipCommand.Block.class, RelationshipCommand.Unblock.class,
        RelationshipCommand.End.class})
public final class RelationshipCommand {

    @Command(name = "list", description = "List a user's relationships.")
    static final class ListRelationships implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Option(names = "--user", required = true, paramLabel = "LOGIN") String user;
        @Option(names = "--json", description = "print a JSON array") boolean json;

        @Override
        public Integer call() throws Exception {
            Login owner = Login.of(user);
            try (AdminSession session = new AdminSession(common.configuration())) {
                InviteCommand.displayName(session, owner); // unknown user: refused, not an empty list
                var relay = session.relay(); // migrates first: never inside a transaction
                List<RelationshipControl.Listed> all = session.database().inTransaction(c ->
                        relay.control().list(c, owner));
                if (json) {
                    System.out.println(JsonOutput.array(all.stream().map(RelationshipCommand::fields).toList()));
                } else {
                    TextTable table = new TextTable("ID", "PEER", "STATE", "ALIAS");
                    all.forEach(r -> table.row(r.id(), r.peerName(), r.shownState(), r.alias().orElse(null)));
                    table.print(System.out);
                }
            }
            return 0;
        }
    }

    @Command(name = "block", description = "Drop the peer's mail silently and refuse mail to them until unblocked"
            + " (a stranger's request: as when the user moves it to Junk, where their mail waiting in Requests goes).")
    static final class Block extends TargetCommand {
        @Override
        Object change(Relay relay, Connection c, Login owner, long id) throws Exception {
            var consent = relay.legacyConsent();
            return consent.isRequest(c, owner, id) ? consent.refuse(c, owner, id) : relay.control().block(c, owner, id);
        }
    }

    @Command(name = "unblock", description = "Let mail flow again in a blocked relationship.")
    static final class Unblock extends TargetCommand {
        @Override
        Object change(Relay relay, Connection c, Login owner, long id) throws Exception {
            return relay.control().unblock(c, owner, id);
        }
    }

    @Command(name = "accept", description = "Accept a stranger's request (plain email to a published address):"
            + " their mail goes to INBOX from now on, and what of it waits in Requests goes there now (as when the"
            + " user answers or moves the request to INBOX).")
    static final class Accept extends TargetCommand {
        @Override
        Object change(Relay relay, Connection c, Login owner, long id) throws Exception {
            return relay.legacyConsent().accept(c, owner, id);
        }
    }

    @Command(name = "end", description = "End a relationship for good: the peer is told, both aliases stop working.")
    static final class End extends TargetCommand {
        @Override
        Object change(Relay relay, Connection c, Login owner, long id) throws Exception {
            return relay.control().end(c, owner, id);
        }
    }

    /** A command on one relationship of one user, named by its id or its alias. */
    abstract static class TargetCommand implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Option(names = "--user", required = true, paramLabel = "LOGIN") String user;
        @Parameters(paramLabel = "RELATIONSHIP", description = "its id (see list) or its alias") String relationship;

        abstract Object change(Relay relay, Connection c, Login owner, long id) throws Exception;

        @Override
        public Integer call() throws Exception {
            Login owner = Login.of(user);
            try (AdminSession session = new AdminSession(common.configuration())) {
                var relay = session.relay(); // migrates first: never inside a transaction
                var changed = session.database().inTransaction(c -> {
                    long id = resolve(c, owner);
                    change(relay, c, owner, id);
                    return relay.control().list(c, owner).stream().filter(r -> r.id() == id).findFirst().orElseThrow();
                });
                System.out.println(changed.id() + " " + changed.shownState());
            }
            return 0;
        }

        private long resolve(Connection c, Login owner) {
            if (relationship.matches("[0-9]{1,18}")) {
                return Long.parseLong(relationship);
            }
            Alias alias = new PostgresAliasStore().find(c, AliasAddress.parse(relationship))
                    .filter(a -> a.owner().equals(owner))
                    .orElseThrow(() -> new InvalidInputException("'" + relationship + "' is neither a relationship id nor"
                            + " a relationship alias of " + owner));
            if (alias.target() instanceof AliasTarget.Relationship r) {
                return r.id();
            }
            throw new InvalidInputException(relationship + " delivers to " + owner + "'s own mailbox; it is no relationship");
        }
    }

    private static Map<String, Object> fields(RelationshipControl.Listed r) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("id", r.id());
        f.put("peer", r.peerName());
        f.put("state", r.shownState());
        f.put("alias", r.alias().orElse(""));
        return f;
    }
}
