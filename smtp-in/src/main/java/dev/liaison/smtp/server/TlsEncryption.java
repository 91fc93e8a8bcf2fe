package dev.liaison.smtp.server;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import org.apache.james.protocols.api.ClientAuth;
import org.apache.james.protocols.netty.Encryption;

import javax.net.ssl.SSLEngine;

/**
 * James's {@link Encryption} over a Netty {@link SslContext}, so the listeners run whichever TLS
 * engine the caller built (OpenSSL's when the gateway has it: James's own {@code Encryption} only
 * takes a JDK {@code SSLContext}). Whatever the context allows, only {@link SmtpListener#TLS_PROTOCOLS}
 * are enabled.
 */
final class TlsEncryption implements Encryption {

    private final SslContext context;
    private final boolean startTls;

    private TlsEncryption(SslContext context, boolean startTls) {
        if (context.isClient()) {
            throw new IllegalArgumentException("a listener needs a server-side TLS context");
        }
        this.context = context;
        this.startTls = startTls;
    }

    /** TLS after the client's STARTTLS (RFC 3207). */
    static Encryption startTls(SslContext context) {
        return new TlsEncryption(context, true);
    }

    /** TLS from the first byte (RFC 8314). */
    static Encryption implicit(SslContext context) {
        return new TlsEncryption(context, false);
    }

    @Override
    public boolean isStartTLS() {
        return startTls;
    }

    @Override
    public boolean supportsEncryption() {
        return true;
    }

    @Override
    public String[] getEnabledCipherSuites() {
        return context.cipherSuites().toArray(String[]::new);
    }

    @Override
    public ClientAuth getClientAuth() {
        return ClientAuth.NONE;
    }

    @Override
    public SslHandler sslHandler() {
        SSLEngine engine = context.newEngine(ByteBufAllocator.DEFAULT);
        engine.setEnabledProtocols(SmtpListener.TLS_PROTOCOLS);
        return new SslHandler(engine); // James writes STARTTLS's 220 before it installs the handler
    }
}
