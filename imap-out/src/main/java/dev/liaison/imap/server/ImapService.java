package dev.liaison.imap.server;

import dev.liaison.imap.delivery.MailboxDelivery;
import dev.liaison.imap.events.PostgresEventBus;
import dev.liaison.imap.store.PostgresMailboxDelivery;
import dev.liaison.imap.store.PostgresMailboxManager;
import io.netty.handler.ssl.SslContext;
import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.mailbox.store.StoreSubscriptionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Clock;
import java.util.UUID;

/**
 * imap-out's front door: starts the IMAP servers (STARTTLS on {@code imap.port}, implicit TLS on
 * {@code imaps.port}) over the PostgreSQL mailbox store, and stops them.
 *
 * <p>Before {@link #start}, the caller migrates imap-out's schema: PostgreSQL schema
 * {@value #SCHEMA}, Flyway migrations at {@value #MIGRATIONS} (with mapping's {@code Database}:
 * {@code database.migrate(new Schema(ImapService.SCHEMA, ImapService.MIGRATIONS))}).
 * Several processes may serve the same database at once.
 */
public final class ImapService implements AutoCloseable {

    /** The PostgreSQL schema imap-out owns. */
    public static final String SCHEMA = "imap";
    /** Where imap-out's Flyway migrations are. */
    public static final String MIGRATIONS = "classpath:db/imap";
    private static final Logger LOG = LoggerFactory.getLogger(ImapService.class);

    private final PostgresEventBus events;
    private final TlsImapServer imap;
    private final TlsImapServer imaps;

    private ImapService(PostgresEventBus events, TlsImapServer imap, TlsImapServer imaps) {
        this.events = events;
        this.imap = imap;
        this.imaps = imaps;
    }

    /** This process's event bus: tests dispatch through it to place a change where a race needs it. */
    PostgresEventBus events() {
        return events;
    }

    /**
     * Starts both listeners; returns when they accept connections.
     *
     * @throws ImapStartException when a port cannot be bound or the database is unreachable
     */
    public static ImapService start(ImapSettings settings, DataSource dataSource, ImapAuthenticator authenticator,
                                    SslContext tls) throws ImapStartException {
        return start(settings, dataSource, new ImapServices(authenticator, ImapEvents.NONE), tls);
    }

    /**
     * Starts both listeners, reporting connections and commands to {@code services.events()}.
     *
     * @throws ImapStartException when a port cannot be bound or the database is unreachable
     */
    public static ImapService start(ImapSettings settings, DataSource dataSource, ImapServices services,
                                    SslContext tls) throws ImapStartException {
        ImapAuthenticator authenticator = services.authenticator();
        PostgresEventBus events = new PostgresEventBus(dataSource);
        try {
            events.start();
        } catch (SQLException e) {
            throw new ImapStartException("cannot listen for mailbox events on the database: " + e.getMessage(), e);
        }
        try {
            OwnerSessions sessions = new OwnerSessions(authenticator, dataSource);
            PostgresMailboxManager mailboxes = PostgresMailboxManager.create(dataSource, sessions, events, Clock.systemUTC(),
                    services.refiling(), services.filedCopies());
            ImapProcessor processor = ProcessorChain.build(mailboxes, events,
                    new StoreSubscriptionManager(mailboxes.getMapperFactory(), mailboxes.getMapperFactory(), events),
                    new FolderTyper(), services.events(), services.accounts(), services.throttle());
            TlsImapServer imap = listen(settings, settings.imapPort(), processor,
                    new TlsImapServer.Transport(tls, true, services.events(), settings.loginTimeout()));
            TlsImapServer imaps;
            try {
                imaps = listen(settings, settings.imapsPort(), processor,
                        new TlsImapServer.Transport(tls, false, services.events(), settings.loginTimeout()));
            } catch (ImapStartException e) {
                imap.destroy();
                throw e;
            }
            LOG.info("IMAP listening on {}:{} (STARTTLS) and {}:{} (TLS)", settings.bindAddress(), imap.boundPort(),
                    settings.bindAddress(), imaps.boundPort());
            return new ImapService(events, imap, imaps);
        } catch (ImapStartException | RuntimeException e) {
            events.close();
            throw e;
        }
    }

    private static TlsImapServer listen(ImapSettings settings, int port, ImapProcessor processor,
                                        TlsImapServer.Transport transport) throws ImapStartException {
        boolean startTls = transport.startTls();
        TlsImapServer server = new TlsImapServer(GuardedParsers.decoder(),
                new EightBitStrings(new ResponseCodeEncoder()), processor, transport);
        try {
            server.configure(configuration(settings, port, startTls));
            server.init();
            return server;
        } catch (Exception e) {
            throw new ImapStartException("cannot start IMAP" + (startTls ? "" : "S") + " on " + settings.bindAddress()
                    + ":" + port + ": " + e.getMessage() + " (check imap.port / imaps.port)", e);
        }
    }

    private static BaseHierarchicalConfiguration configuration(ImapSettings settings, int port, boolean startTls) {
        BaseHierarchicalConfiguration c = new BaseHierarchicalConfiguration();
        c.addProperty("bind", settings.bindAddress() + ":" + port);
        c.addProperty("jmxName", "liaison-imap" + (startTls ? "" : "s") + "-" + UUID.randomUUID());
        c.addProperty("helloName", settings.hostName());
        c.addProperty("helloName[@autodetect]", false);
        c.addProperty("auth.requireSSL", true); // RFC 3501 §6.2.3: LOGINDISABLED until STARTTLS
        c.addProperty("auth.plainAuthEnabled", true);
        c.addProperty("maxLineLength", Limits.LINE_OCTETS);
        c.addProperty("inMemorySizeLimit", Limits.IN_MEMORY_LITERAL_OCTETS);
        c.addProperty("literalSizeLimit", Limits.MESSAGE_OCTETS);
        c.addProperty("concurrentRequests", Limits.CONCURRENT_REQUESTS);
        c.addProperty("maxQueueSize", Limits.QUEUED_REQUESTS);
        c.addProperty("provisionDefaultMailboxes", false);
        c.addProperty("gracefulShutdown", false); // close() returns at once; open connections are closed
        return c;
    }

    /** The port {@code imap.port} is bound to (useful when it was configured as 0). */
    public int imapPort() {
        return imap.boundPort();
    }

    /** The port {@code imaps.port} is bound to. */
    /** Refused connections on the implicit-TLS listener in the handshake their BYE needs (for tests). */
    int imapsRefusalsInHandshake() {
        return imaps == null ? 0 : imaps.refusalsInHandshake();
    }

    public int imapsPort() {
        return imaps.boundPort();
    }

    /** Whether both listeners still accept connections. */
    public boolean listening() {
        return imap.isBound() && imaps.isBound();
    }

    /** Delivery into this store; usable whether or not this process serves IMAP. */
    public static MailboxDelivery delivery() {
        return new PostgresMailboxDelivery(Clock.systemUTC());
    }

    /** Stops accepting connections, closes open ones and stops listening for events. */
    @Override
    public void close() {
        imap.destroy();
        imaps.destroy();
        events.close();
        LOG.info("IMAP stopped");
    }
}
