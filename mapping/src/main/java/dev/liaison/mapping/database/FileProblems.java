package dev.liaison.mapping.database;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * What went wrong with a file or directory, in words an administrator acts on. Java's
 * {@link NoSuchFileException} and {@link AccessDeniedException} carry only the path as their
 * message, so "cannot use /srv/liaison: /srv/liaison" would say nothing.
 */
public final class FileProblems {

    private FileProblems() {
    }

    /** "X does not exist", "permission denied on X", "X is not a directory", or the system's reason. */
    public static String why(IOException e) {
        if (e instanceof NoSuchFileException missing) {
            return missing.getFile() + " does not exist";
        }
        if (e instanceof AccessDeniedException denied) {
            return "permission denied on " + denied.getFile();
        }
        if (e instanceof NotDirectoryException notDirectory) {
            return notDirectory.getFile() + " is not a directory";
        }
        if (e instanceof FileSystemException other && other.getReason() != null) {
            return other.getFile() + ": " + other.getReason();
        }
        return e.toString();
    }

    /**
     * As {@link #why}, for a directory about to be created or used: an existing file where it
     * should be is "not a directory" ({@code Files.createDirectories} reports it as "already exists").
     */
    public static String whyDirectory(IOException e) {
        if (e instanceof FileAlreadyExistsException exists) {
            return exists.getFile() + " is not a directory";
        }
        if (e instanceof FileSystemException other && "Not a directory".equals(other.getReason())) {
            return other.getFile() + ": a part of that path is a file, not a directory";
        }
        if (!(e instanceof FileSystemException) && e.getMessage() != null) {
            return e.getMessage(); // not about a file (the server did not start): its own words
        }
        return why(e);
    }
}
