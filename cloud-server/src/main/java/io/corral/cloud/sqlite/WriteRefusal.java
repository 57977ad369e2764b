package io.corral.cloud.sqlite;

import java.util.Locale;
import org.sqlite.SQLiteException;

/**
 * Tells a storage failure that is the disk's (full, read-only, failing I/O) from one that is the request's or the
 * code's. The former is temporary for the caller: the API answers 503 with {@code Retry-After}, devices get 5.03,
 * {@code /readyz} turns not-ready, and writes resume by themselves once space returns.
 */
public final class WriteRefusal {
    private WriteRefusal() {
    }

    /** True if {@code failure} or one of its causes is SQLite (or the file system) refusing to write. */
    public static boolean isDiskFault(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLiteException sqlite) {
                String code = sqlite.getResultCode().name();
                if (code.equals("SQLITE_FULL") || code.startsWith("SQLITE_IOERR") || code.startsWith("SQLITE_READONLY")
                        || code.equals("SQLITE_CANTOPEN")) {
                    return true;
                }
            }
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (message.contains("sqlite_full") || message.contains("database or disk is full")
                    || message.contains("sqlite_ioerr") || message.contains("disk i/o error")
                    || message.contains("no space left on device")) {
                return true;
            }
        }
        return false;
    }
}
