package io.github.xdpipcounter.exporter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * What a file looked like at one stat: a different stamp means the file
 * was written, replaced (a new file key: rename, symlink swap as
 * Kubernetes does for mounted secrets), created or removed.
 *
 * <p>An in-place rewrite with the same size within one kernel timestamp
 * tick (a few milliseconds) looks unchanged; writers that replace files by
 * rename, as most tools do, are always seen.
 */
record FileStamp(FileTime modified, long size, Object fileKey) {
    static final FileStamp MISSING = new FileStamp(null, -1, null);

    /** Follows symbolic links, so a link pointed elsewhere is a change. */
    static FileStamp of(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new FileStamp(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
        } catch (IOException e) {
            return MISSING; // unreadable counts as missing: reading it will say why
        }
    }
}
