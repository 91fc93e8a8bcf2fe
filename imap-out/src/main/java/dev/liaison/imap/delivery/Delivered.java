package dev.liaison.imap.delivery;

/**
 * Where a delivery's message is: its folder's UIDVALIDITY and its UID there.
 *
 * @param duplicate true when this delivery id had been filed before and nothing new was written
 */
public record Delivered(long uidValidity, long uid, boolean duplicate) {
}
