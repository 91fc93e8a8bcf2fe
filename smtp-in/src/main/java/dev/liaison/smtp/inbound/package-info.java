/**
 * The inbound MX's contract with gateway: the settings and services it is started with
 * ({@link dev.liaison.smtp.inbound.InboundSettings}, {@link dev.liaison.smtp.inbound.InboundServices}),
 * the two questions it asks ({@link dev.liaison.smtp.inbound.InboundRecipientPolicy} per RCPT,
 * {@link dev.liaison.smtp.inbound.InboundHandler} per accepted message) and what it reports
 * ({@link dev.liaison.smtp.inbound.InboundEvents}). The server itself is
 * {@code dev.liaison.smtp.server.InboundServer}.
 */
package dev.liaison.smtp.inbound;
