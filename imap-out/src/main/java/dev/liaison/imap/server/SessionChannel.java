package dev.liaison.imap.server;

import io.netty.channel.Channel;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imapserver.netty.NettyImapSession;

import java.lang.reflect.Field;
import java.util.Optional;

/**
 * The Netty channel of an IMAP session. James does not expose it; it is read once by reflection
 * from {@link NettyImapSession}. If that ever fails (another James version), callers fall back to
 * doing without it ({@link Backpressure}: no per-connection flow control; {@link ProcessorChain}:
 * closing after an answer as James does).
 */
final class SessionChannel {

    private static final Optional<Field> CHANNEL = channelField();

    private SessionChannel() {
    }

    static Optional<Channel> of(ImapSession session) {
        if (CHANNEL.isEmpty() || !(session instanceof NettyImapSession)) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable((Channel) CHANNEL.get().get(session));
        } catch (IllegalAccessException e) {
            return Optional.empty();
        }
    }

    private static Optional<Field> channelField() {
        try {
            Field field = NettyImapSession.class.getDeclaredField("channel");
            field.setAccessible(true);
            return Optional.of(field);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
