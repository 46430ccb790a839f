package dev.sextant.tsdb.wal;

import java.io.IOException;

/**
 * Records of a WAL in order, as {@link WalReader} reads them: {@link #next()} is false at the end or
 * at the first corruption, which {@link #corruption()} then describes.
 *
 * <p>Thread-safety: not thread-safe. The array returned by {@link #record()} is valid until the
 * next call to {@code next()}.
 */
public interface WalRecords extends AutoCloseable {
    boolean next() throws IOException;

    byte[] record();

    int recordLength();

    int recordSegment();

    long recordOffset();

    WalCorruptionException corruption();

    @Override
    void close() throws IOException;
}
