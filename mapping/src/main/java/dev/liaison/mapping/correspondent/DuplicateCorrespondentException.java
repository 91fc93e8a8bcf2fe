package dev.liaison.mapping.correspondent;

import dev.liaison.mapping.user.Login;

/** The user already has a relationship with this plain-email address: use that one. */
public final class DuplicateCorrespondentException extends IllegalStateException {
    public DuplicateCorrespondentException(Login owner, String address) {
        super(owner.value() + " already has a relationship with " + address + "; mail goes through that one");
    }
}
