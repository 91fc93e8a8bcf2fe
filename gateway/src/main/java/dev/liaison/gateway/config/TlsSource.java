package dev.liaison.gateway.config;

import java.nio.file.Path;

/** Where the listeners' certificate comes from. */
public sealed interface TlsSource {

    /** Administrator-provided PEM files. */
    record Files(Path certificate, Path privateKey) implements TlsSource {
    }

    /** A self-signed certificate generated once into this directory. */
    record Generated(Path directory) implements TlsSource {
    }
}
