package dev.liaison.mapping.database;

import java.nio.file.Path;
import java.util.Objects;

/** Where Liaison's PostgreSQL lives: an embedded server under the data directory, or an external one. */
public sealed interface DatabaseLocation {

    /** An embedded PostgreSQL whose cluster lives in {@code dataDir/postgres}, started on demand. */
    record Embedded(Path dataDir) implements DatabaseLocation {
        public Embedded {
            Objects.requireNonNull(dataDir, "dataDir");
        }
    }

    /** An existing PostgreSQL server reached by JDBC URL. */
    record External(String url, String user, String password) implements DatabaseLocation {
        public External {
            Objects.requireNonNull(url, "url");
            if (!url.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException(
                        "database.url must start with jdbc:postgresql: (got '" + shown(url) + "')");
            }
            user = user == null ? "" : user;
            password = password == null ? "" : password;
        }

        @Override
        public String toString() {
            return "External[url=" + shown(url) + ", user=" + user + ", password=<masked>]";
        }

        /**
         * {@code url} as it may be shown or logged: a JDBC URL can carry a password too, as a
         * parameter or as {@code user:password@} (pgjdbc takes both).
         */
        public static String shown(String url) {
            return url.replaceAll("(?i)([?&;]password=)[^&;]*", "$1<masked>")
                    .replaceAll("(//[^/@:]*:)[^/@]*@", "$1<masked>@");
        }
    }
}
