package dev.liaison.gateway.cli;

import dev.liaison.imap.server.ImapService;
import dev.liaison.imap.store.UidValidityRenewal;
import dev.liaison.mapping.database.Schema;
import dev.liaison.mapping.user.Login;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code liaison imap new-uidvalidity}: the mailbox store's repairs. */
@Command(name = "imap", description = "Repair the mailbox store (after a restored backup).", mixinStandardHelpOptions = true,
        subcommands = {ImapCommand.NewUidValidity.class})
public final class ImapCommand {

    @Command(name = "new-uidvalidity", description = {"Give every folder (of one user, or of all) a new UIDVALIDITY,"
            + " greater than any used before, in one transaction, so mail clients drop their copies and fetch the folders"
            + " again. Run it after restoring an older backup, before liaison serve starts: the restored folders hand out"
            + " again UIDs that messages received since the backup had, and a client trusting its copy would miss or"
            + " delete mail (docs/operations.md, \"Restoring an older backup\").",
            "Without --yes, says what it would change and changes nothing."})
    static final class NewUidValidity implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Option(names = "--user", paramLabel = "LOGIN", description = "only this user's folders (default: every user's)")
        String user;
        @Option(names = "--yes", description = "change them") boolean yes;

        @Override
        public Integer call() throws Exception {
            Optional<Login> login = user == null ? Optional.empty() : Optional.of(Login.of(user));
            try (AdminSession session = new AdminSession(common.configuration())) {
                if (login.isPresent() && session.administration().users().stream()
                        .noneMatch(u -> u.login().equals(login.get()))) {
                    throw new InvalidInputException("no user '" + user + "' (see liaison user list)");
                }
                session.database().migrate(new Schema(ImapService.SCHEMA, ImapService.MIGRATIONS));
                Optional<String> owner = login.map(Login::value);
                UidValidityRenewal renewal = new UidValidityRenewal();
                if (!yes) {
                    UidValidityRenewal.Renewed would = session.database().inTransaction(c -> renewal.count(c, owner));
                    throw new InvalidInputException("this gives " + summary(would) + " a new UIDVALIDITY; their mail clients"
                            + " drop what they kept of those folders and download them again. Nothing was changed. To do it,"
                            + " run: liaison imap new-uidvalidity" + login.map(l -> " --user " + l).orElse("") + " --yes");
                }
                UidValidityRenewal.Renewed done = session.database().inTransaction(c -> renewal.renew(c, owner));
                System.out.println("gave " + summary(done) + " a new UIDVALIDITY; mail clients download those folders again"
                        + " when they next connect");
            }
            return 0;
        }

        private static String summary(UidValidityRenewal.Renewed r) {
            return r.folders() + " folder" + (r.folders() == 1 ? "" : "s") + " of " + r.owners() + " user"
                    + (r.owners() == 1 ? "" : "s");
        }
    }
}
