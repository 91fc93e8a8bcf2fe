package dev.liaison.gateway;

import dev.liaison.gateway.cli.AliasCommand;
import dev.liaison.gateway.cli.BackupCommand;
import dev.liaison.gateway.cli.ConfigCommand;
import dev.liaison.gateway.cli.DemoCommand;
import dev.liaison.gateway.cli.DnsCommand;
import dev.liaison.gateway.cli.ImapCommand;
import dev.liaison.gateway.cli.InviteCommand;
import dev.liaison.gateway.cli.QuarantineCommand;
import dev.liaison.gateway.cli.QueueCommand;
import dev.liaison.gateway.cli.RelationshipCommand;
import dev.liaison.gateway.cli.RestoreCommand;
import dev.liaison.gateway.cli.ErrorReporter;
import dev.liaison.gateway.cli.ServeCommand;
import dev.liaison.gateway.cli.UserCommand;
import dev.liaison.gateway.config.ConfigKey;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code liaison}: the one entry point, for serving and for administration. */
@Command(name = "liaison", mixinStandardHelpOptions = true, version = "Liaison 0.1.0",
        description = "A self-hostable mail gateway: SMTP and IMAP for mail clients, Communicator behind them.",
        subcommands = {ServeCommand.class, DemoCommand.class, UserCommand.class, AliasCommand.class, InviteCommand.class,
                RelationshipCommand.class, QuarantineCommand.class, QueueCommand.class, ImapCommand.class, ConfigCommand.class, DnsCommand.class,
                BackupCommand.class, RestoreCommand.class,
                CommandLine.HelpCommand.class})
public final class Liaison {

    /** {@code --key=value} for a configuration key that has no option of its own. */
    private static final Pattern OVERRIDE = Pattern.compile("--([a-z][a-z0-9.-]*)=(.*)", Pattern.DOTALL);

    private final Map<String, String> overrides = new LinkedHashMap<>();

    /** Configuration keys given as {@code --key=value}, in command-line order. */
    public Map<String, String> overrides() {
        return overrides;
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command and returns its exit code (see README: exit codes). */
    public static int run(String[] args) {
        if (args.length == 0 || !("serve".equals(args[0]) || "demo".equals(args[0]))) {
            System.setProperty("liaison.log.level", "WARN"); // admin commands: stdout is for their output
        }
        Liaison root = new Liaison();
        List<String> rest = new ArrayList<>();
        for (String arg : args) {
            Matcher m = OVERRIDE.matcher(arg);
            if (m.matches() && ConfigKey.byKey(m.group(1)).filter(k -> k != ConfigKey.DATA_DIR).isPresent()) {
                root.overrides.put(m.group(1), m.group(2));
            } else {
                rest.add(arg);
            }
        }
        CommandLine cli = new CommandLine(root);
        withHelp(cli);
        ConfigCommand.listKeysInHelp(cli.getSubcommands().get("config"));
        cli.setExecutionExceptionHandler(new ErrorReporter(rest.contains("--verbose")));
        cli.setParameterExceptionHandler(unknownOptionsFirst(cli.getParameterExceptionHandler()));
        return cli.execute(rest.toArray(new String[0]));
    }

    /**
     * Picocli checks for missing parameters before it reports arguments it did not recognise, so
     * {@code user add -x} said "Missing required parameter: 'LOGIN'" where the mistake is the
     * option: an unknown option or argument is now reported first, the way picocli reports it on
     * its own (usage help, exit 2).
     */
    private static CommandLine.IParameterExceptionHandler unknownOptionsFirst(
            CommandLine.IParameterExceptionHandler reporter) {
        return (e, args) -> {
            CommandLine command = e.getCommandLine();
            boolean unknownToo = e instanceof CommandLine.MissingParameterException
                    && !command.getUnmatchedArguments().isEmpty();
            return reporter.handleParseException(unknownToo
                    ? new CommandLine.UnmatchedArgumentException(command, command.getUnmatchedArguments()) : e, args);
        };
    }

    /** Every command and subcommand answers --help (and -h), not only the groups that declare it. */
    private static void withHelp(CommandLine command) {
        if (!command.getCommandSpec().mixinStandardHelpOptions()) {
            command.getCommandSpec().mixinStandardHelpOptions(true);
        }
        command.getSubcommands().values().forEach(Liaison::withHelp);
    }
}
